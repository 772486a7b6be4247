package aws_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsbed"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awshelper"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

// The engine tests of the aws backend: the real gazr-aws helper, whose
// SDK clients talk to the fake AWS of an awsbed, whose instances are a
// real swarm of engines reached over ssh. One bed serves them all, in
// order: the conformance suite, the expired ECR token, then the
// scheduled elasticity (which grows the workers for good).
//
// The bed: one manager and two workers, what the tests need (a worker to
// stop a task on, a second one so that stopping a node leaves tasks
// somewhere other than the manager, tasks of a deploy on ≥ 2 nodes);
// more managers cost a start and raft traffic on a 2-core machine for
// nothing these tests assert (manager failover has tests of its own).

// The env's schedule: weekday mornings grow the workers to 3 (Paris
// time), evenings shrink them to 2 (UTC).
const scheduleTOML = `schedule = [
  { cron = "0 7 * * 1-5", workers = 3, tz = "Europe/Paris" },
  { cron = "0 20 * * *", workers = 2 },
]
`

// fixture is the shared bed and what the tests need around it.
type fixture struct {
	bed     *awsbed.Bed
	clock   *awsfake.Clock
	morning time.Time // when the 07:00 Paris action next runs, a minute after the clock's start
	sshLog  string    // the ssh wrapper's log: one line of arguments per ssh run
	dir     string    // the project's directory (.gazr.toml)
}

// TestAWSBed runs the aws backend's proofs on one awsbed.
func TestAWSBed(t *testing.T) {
	enginetest.Connect(t, swarmbed.SSHImage, swarmbed.RegistryImage, deploytest.DefaultImage)
	t0 := time.Now()
	fx := startFixture(t)
	t.Logf("TIMING bed (1 manager, 2 workers) and helper ready in %s", time.Since(t0).Round(time.Millisecond))
	for _, st := range []struct {
		name string
		f    func(*testing.T, *fixture)
	}{
		{"Conformance", testConformance},
		{"ExpiredToken", testExpiredToken},
		{"ScheduledElasticity", testScheduledElasticity},
	} {
		t0 := time.Now()
		ok := t.Run(st.name, func(t *testing.T) { st.f(t, fx) })
		t.Logf("TIMING %s: %s", st.name, time.Since(t0).Round(time.Millisecond))
		if !ok {
			return // the bed is in an unknown state: what follows would fail for nothing
		}
	}
}

// startFixture starts the bed on a clock a minute before a weekday's
// 07:00 in Paris, and points the process's environment at it: the fake's
// credentials, the bed's ssh_config, the helper, and ssh through a
// wrapper that logs whom it reaches.
func startFixture(t *testing.T) *fixture {
	t.Helper()
	helper := awshelper.Path(t)
	fx := &fixture{morning: nextMorning(time.Now()), dir: t.TempDir()}
	fx.clock = awsfake.NewClock(fx.morning.Add(-time.Minute))
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	b, err := awsbed.Start(ctx, awsbed.Options{Managers: 1, Workers: 2, Now: fx.clock.Now,
		Images: []string{deploytest.DefaultImage}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	fx.bed = b
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Errorf("close the bed: %v", err)
		}
	})
	isolateAWS(t)
	for _, kv := range b.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv(aws.HelperEnv, helper)
	fx.sshLog = wrapSSH(t)
	toml := "name = \"gzaws\"\n\n" + b.EnvTOML() + scheduleTOML
	if err := os.WriteFile(filepath.Join(fx.dir, ".gazr.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	return fx
}

// env is the bed's env with the schedule, as gazr loads it.
func (fx *fixture) env(t *testing.T) *config.Environment {
	t.Helper()
	cfg, err := config.Parse(".gazr.toml", []byte(fx.bed.EnvTOML()+scheduleTOML))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Envs[fx.bed.EnvName()]
}

// backend is the env's aws backend, as gazr makes it (aws.New: the
// helper found through GAZR_AWS_HELPER).
func (fx *fixture) backend(t *testing.T) deploy.Backend {
	t.Helper()
	b, err := aws.New(deploy.BackendOptions{Env: fx.env(t), Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nextMorning is the first weekday 07:00 in Paris at least two minutes
// after now.
func nextMorning(now time.Time) time.Time {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	d := now.In(paris)
	for d := time.Date(d.Year(), d.Month(), d.Day(), 7, 0, 0, 0, paris); ; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && d.After(now.Add(2*time.Minute)) {
			return d
		}
	}
}

// isolateAWS leaves the SDK nothing of this machine's own AWS set-up.
func isolateAWS(t *testing.T) {
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
		"AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	home := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// wrapSSH puts first on PATH an ssh that logs its arguments, a line per
// run, then runs the real one; it returns the log's path.
func wrapSSH(t *testing.T) string {
	t.Helper()
	real, err := exec.LookPath("ssh")
	if err != nil {
		enginetest.Missing(t, "the aws backend reaches engines with ssh: %v", err)
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "ssh.log")
	script := "#!/bin/sh\necho \"$*\" >>'" + log + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "ssh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// calls counts the fake's answered calls of op, successful ones.
func calls(f *awsfake.Fake, op string) int {
	n := 0
	for _, c := range f.Calls() {
		if c.Op == op && c.Code == "" {
			n++
		}
	}
	return n
}

// testLog writes to t.Log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
