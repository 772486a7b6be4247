package aws

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awshelper"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmfake"
)

// The wire tests: the aws backend, through the real gazr-aws helper
// (awshelper: GAZR_AWS_HELPER, or built once when the Go build cache
// holds the AWS SDK; skipped under -short otherwise), whose real SDK
// clients talk to the fake AWS (awsfake) on httptest. The fake has no
// Machines: its instances get fake addresses, so where a test needs a
// swarm manager it answers from swarmfake.

func TestMain(m *testing.M) {
	code := m.Run()
	awshelper.Cleanup()
	os.Exit(code)
}

const (
	wireRegion  = "eu-west-3"
	managersASG = "swarm-manager-staging-asg"
	workersASG  = "swarm-worker-staging-asg"
)

// awsVars are the variables through which the SDK finds credentials,
// region, profile and endpoints: each test starts with none of them.
var awsVars = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_AUTO_SCALING", "AWS_ENDPOINT_URL_ECR",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "GAZR_AWS_TIMEOUT", "GAZR_SSH_CONFIG"}

// isolateAWS leaves the SDK nothing of this machine: no variable, a HOME
// with no ~/.aws, shared files that do not exist, no instance metadata
// service probed. It returns the empty HOME.
func isolateAWS(t *testing.T) string {
	t.Helper()
	for _, k := range awsVars {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "aws-config-missing"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "aws-credentials-missing"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return home
}

// wire is a fake AWS with the env's two groups, and the env's config.
type wire struct {
	t     *testing.T
	fake  *awsfake.Fake
	url   string
	env   *config.Environment
	log   *syncLog
	clock *awsfake.Clock
	home  string // the empty HOME
}

// newWire serves a fake of eu-west-3 with a managers group of managers
// instances (min 1, max 5) and a workers group of workers (min 0, max 6),
// tagged as the platform tags them, and the env "staging" naming the
// groups by ASG; the SDK gets the fake's key through the environment.
func newWire(t *testing.T, opts awsfake.Options, managers, workers int) *wire {
	t.Helper()
	t.Setenv(HelperEnv, awshelper.Path(t))
	w := &wire{t: t, log: &syncLog{}, home: isolateAWS(t)}
	t.Setenv("AWS_ACCESS_KEY_ID", awsfake.DefaultAccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
	if opts.Now == nil {
		w.clock = awsfake.NewClock(time.Now().UTC().Truncate(time.Minute))
		opts.Now = w.clock.Now
	}
	opts.Region = wireRegion
	w.fake = awsfake.New(opts)
	url, stop := w.fake.Start()
	t.Cleanup(stop)
	w.url = url
	for _, g := range []awsfake.GroupSpec{
		{Name: managersASG, Min: min(1, managers), Max: 5, Desired: managers, Tags: map[string]string{"Name": "SwarmManager-staging"}},
		{Name: workersASG, Min: 0, Max: 6, Desired: workers, Tags: map[string]string{"Name": "SwarmWorker-staging"}},
	} {
		if err := w.fake.AddGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.fake.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	w.env = &config.Environment{Name: "staging", Backend: "aws", AWS: &config.AWS{Region: wireRegion, EndpointURL: url,
		Managers: &config.Group{ASG: managersASG}, Workers: &config.Group{ASG: workersASG}}}
	return w
}

// backend is the env's aws backend over the real helper (aws.New).
func (w *wire) backend() deploy.Backend {
	w.t.Helper()
	b, err := New(deploy.BackendOptions{Env: w.env, Log: w.log})
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// backendOn is the env's backend over the real helper whose managers
// answer from sw: an instance's engine is sw's node of the same address.
func (w *wire) backendOn(sw *swarmfake.Swarm, nodeByIP map[string]string) *Backend {
	w.t.Helper()
	b, err := NewWith(deploy.BackendOptions{Env: w.env, Log: w.log}, &ExecCaller{})
	if err != nil {
		w.t.Fatal(err)
	}
	b.dial = func(_ context.Context, ep deploy.Endpoint, _ bool) (deploy.SwarmAPI, error) {
		ip := strings.TrimSuffix(ep.Host[strings.Index(ep.Host, "(")+1:], ")")
		if id, ok := nodeByIP[ip]; ok {
			return sw.Engine(id), nil
		}
		return nil, errors.New("ssh: connect to host " + ip + " port 22: Connection refused")
	}
	return b
}

// calls counts the fake's calls of op, and how many were refused with
// code ("" for any).
func (w *wire) calls(op, code string) (n, refused int) {
	for _, c := range w.fake.Calls() {
		if c.Op != op {
			continue
		}
		n++
		if c.Code != "" && (code == "" || c.Code == code) {
			refused++
		}
	}
	return n, refused
}

func wireCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// oneLine fails unless err is one line equal to want, where $HOME
// stands for the empty HOME and $URL for the fake's.
func (w *wire) oneLine(what string, err error, want string) {
	w.t.Helper()
	if err == nil {
		w.t.Errorf("%s: no error, want %q", what, want)
		return
	}
	got := strings.NewReplacer(w.home, "$HOME", w.url, "$URL").Replace(err.Error())
	switch {
	case strings.Contains(got, "\n"):
		w.t.Errorf("%s: error of several lines:\n%s", what, got)
	case got != want:
		w.t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}
