package aws

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// TestWireErrors: each way AWS or the env's set-up fails, through the
// helper and the SDK, said in one line: the exact line, so that a change
// of wording shows here.
func TestWireErrors(t *testing.T) {
	const (
		creds = "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or set profile in [env.staging.aws] (or AWS_PROFILE) to a profile of aws configure (aws sso login for SSO)"
		grant = "to these credentials (docs/aws has the least-privilege policy)"
		user  = "User: arn:aws:iam::123456789012:user/gazr-fake is not authorized to perform: "
	)
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, w *wire)
		want  string
		check func(t *testing.T, w *wire, took time.Duration)
	}{
		{"no credentials", func(t *testing.T, w *wire) {
			os.Unsetenv("AWS_ACCESS_KEY_ID")
			os.Unsetenv("AWS_SECRET_ACCESS_KEY")
		}, `env staging: no AWS credentials: looked at AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile "default" in $HOME/aws-credentials-missing and $HOME/aws-config-missing ` +
			`(keys, SSO, assumed role, credential_process), a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), the container role and the EC2 instance role ` +
			`(the SDK said: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, access disabled to EC2 IMDS via client option, or "AWS_EC2_METADATA_DISABLED" environment variable); ` + creds,
			func(t *testing.T, w *wire, _ time.Duration) {
				if n := len(w.fake.Calls()); n != 0 {
					t.Errorf("%d calls reached AWS without credentials", n)
				}
			}},
		{"profile missing", func(t *testing.T, w *wire) { w.env.AWS.Profile = "shop" },
			`env staging: AWS profile "shop" is in neither $HOME/aws-config-missing nor $HOME/aws-credentials-missing; ` + creds, nil},
		{"unknown region", func(t *testing.T, w *wire) { w.env.AWS.Region = "eu-west-9" },
			`env staging: AWS region "eu-west-9": autoscaling:DescribeAutoScalingGroups refused it (SignatureDoesNotMatch: Credential should be scoped to a valid region, not 'eu-west-9'.); ` +
				`set region in [env.staging.aws] (or AWS_REGION) to your account's region, like eu-west-3`, nil},
		{"region not a name", func(t *testing.T, w *wire) { w.env.AWS.Region = "Paris" },
			`env staging: AWS region "Paris" is not a region name (like eu-west-3); set region in [env.staging.aws] (or AWS_REGION) to your account's region, like eu-west-3`, nil},
		{"no region", func(t *testing.T, w *wire) { w.env.AWS.Region = "" },
			`env staging: no AWS region: none in the target, AWS_REGION, AWS_DEFAULT_REGION or the profile's section of $HOME/aws-config-missing; ` +
				`set region in [env.staging.aws] (or AWS_REGION) to your account's region, like eu-west-3`, nil},
		{"no group", func(t *testing.T, w *wire) { w.env.AWS.Workers = &config.Group{ASG: "swarm-worker-stagin-asg"} },
			`env staging: workers: Auto Scaling group "swarm-worker-stagin-asg" does not exist in eu-west-3; check managers and workers in [env.staging.aws], its region and profile`, nil},
		{"no instance matching", func(t *testing.T, w *wire) {
			w.env.AWS.Managers = &config.Group{Tags: map[string]string{"Name": "SwarmManager-prod"}}
		}, "env staging: swarm manager unreachable: no running manager instance (searched instances tagged Name=SwarmManager-prod: no instance); " +
			"start one, or correct managers in [env.staging.aws] (default: tags Name=SwarmManager-staging) and its region", nil},
		{"access denied", func(t *testing.T, w *wire) {
			w.fake.Inject(awsfake.Fault{Service: awsfake.ServiceAutoScaling, Op: "DescribeAutoScalingGroups", Kind: awsfake.AccessDenied})
		}, "env staging: AWS refused autoscaling:DescribeAutoScalingGroups (AccessDenied: " + user + "autoscaling:DescribeAutoScalingGroups because no identity-based policy allows the autoscaling:DescribeAutoScalingGroups action); " +
			"grant autoscaling:DescribeAutoScalingGroups " + grant, nil},
		{"access denied by EC2", func(t *testing.T, w *wire) {
			w.fake.Inject(awsfake.Fault{Service: awsfake.ServiceEC2, Op: "DescribeInstances", Kind: awsfake.AccessDenied})
		}, "env staging: AWS refused ec2:DescribeInstances (UnauthorizedOperation: You are not authorized to perform this operation. " + user + "ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action. " +
			"[encoded authorization failure message left out]); grant ec2:DescribeInstances " + grant, nil},
		{"throttled", func(t *testing.T, w *wire) {
			w.fake.Inject(awsfake.Fault{Service: awsfake.ServiceAutoScaling, Op: "DescribeAutoScalingGroups", Kind: awsfake.Throttle})
		}, "env staging: autoscaling:DescribeAutoScalingGroups: AWS throttled it 4 times, gave up (Throttling: Rate exceeded); try again in a minute, or raise the account's API rate quota",
			func(t *testing.T, w *wire, _ time.Duration) {
				// Both groups are described side by side: 4 attempts each.
				if n, refused := w.calls("DescribeAutoScalingGroups", "Throttling"); n != 8 || refused != 8 {
					t.Errorf("%d DescribeAutoScalingGroups, %d throttled; want 8, 8", n, refused)
				}
				// The fake reads which attempt each was from the SDK.
				// and which call (two: one a group), each attempt the same.
				attempts := map[int]int{}
				calls := map[string]int{}
				for _, c := range w.fake.Calls() {
					attempts[c.Attempt]++
					calls[c.Invocation]++
				}
				if want := map[int]int{1: 2, 2: 2, 3: 2, 4: 2}; !maps.Equal(attempts, want) {
					t.Errorf("attempts %v, want %v", attempts, want)
				}
				if len(calls) != 2 {
					t.Errorf("%d invocation ids %v, want 2 (4 attempts each)", len(calls), calls)
				}
			}},
		{"silent", func(t *testing.T, w *wire) {
			t.Setenv("GAZR_AWS_TIMEOUT", "1s")
			w.fake.Inject(awsfake.Fault{Kind: awsfake.Silence})
		}, "env staging: autoscaling:DescribeAutoScalingGroups: no answer from $URL within 1s (GAZR_AWS_TIMEOUT); check the network (or endpoint_url in [env.staging.aws], AWS_ENDPOINT_URL)",
			func(t *testing.T, _ *wire, took time.Duration) {
				if took > 5*time.Second {
					t.Errorf("a silent API held the call %v", took)
				}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWire(t, awsfake.Options{}, 1, 1)
			tt.setup(t, w)
			w.fake.ResetCalls()
			start := time.Now()
			_, err := w.backend().Nodes(wireCtx(t))
			took := time.Since(start)
			t.Logf("%v", took.Round(time.Millisecond))
			w.oneLine(tt.name, err, tt.want)
			if tt.check != nil {
				tt.check(t, w, took)
			}
		})
	}
}

// TestWireThrottledThenFine: throttling the SDK's retries outlast is not
// an error; the fake saw the retries.
func TestWireThrottledThenFine(t *testing.T) {
	w := newWire(t, awsfake.Options{}, 1, 1)
	w.fake.Inject(awsfake.Fault{Service: awsfake.ServiceAutoScaling, Op: "DescribeAutoScalingGroups", Kind: awsfake.Throttle, Count: 2})
	if _, err := w.backend().(*Backend).describe(wireCtx(t)); err != nil {
		t.Fatal(err)
	}
	if n, refused := w.calls("DescribeAutoScalingGroups", "Throttling"); n != 4 || refused != 2 {
		t.Errorf("%d DescribeAutoScalingGroups, %d throttled; want 4, 2", n, refused)
	}
}

// TestWireManagersUnreachable: no manager answers; the error names each
// instance with ssh's own words: a real ssh (GAZR_SSH_CONFIG sends it to
// a closed port), then a fake ssh on PATH failing as ssh does.
func TestWireManagersUnreachable(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client on PATH")
	}
	w := newWire(t, awsfake.Options{}, 2, 0)
	var eps []string
	for _, in := range w.fake.Instances() {
		eps = append(eps, in.ID+" ("+in.PrivateIP+")")
	}
	slices.Sort(eps) // tried in that order: same launch time, then by id
	dir := t.TempDir()
	port := closedPort(t)
	cfg := filepath.Join(dir, "ssh_config")
	writeFile(t, cfg, "Host *\n  Hostname 127.0.0.1\n  Port "+port+"\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n")
	t.Setenv("GAZR_SSH_CONFIG", cfg)
	_, err := w.backend().Manager(wireCtx(t))
	refused := ": ssh " + "%s: connect to host 127.0.0.1 port " + port + ": Connection refused"
	want := "env staging: swarm manager unreachable: " + eps[0] + fmt.Sprintf(refused, ipOf(eps[0])) + "; " + eps[1] + fmt.Sprintf(refused, ipOf(eps[1]))
	w.oneLine("real ssh", err, want)
	if !errors.Is(err, deploy.ErrUnreachable) {
		t.Errorf("%v is not ErrUnreachable", err)
	}

	os.Unsetenv("GAZR_SSH_CONFIG")
	writeFile(t, filepath.Join(dir, "ssh"), "#!/bin/sh\nwhile [ \"$1\" != -- ]; do shift; done\n"+
		"echo \"ssh: connect to host ${2#*@} port 22: No route to host\" >&2\nexit 255\n")
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	_, err = w.backend().Manager(wireCtx(t))
	noRoute := ": ssh %s: connect to host %s port 22: No route to host"
	want = "env staging: swarm manager unreachable: " + eps[0] + fmt.Sprintf(noRoute, ipOf(eps[0]), ipOf(eps[0])) + "; " + eps[1] + fmt.Sprintf(noRoute, ipOf(eps[1]), ipOf(eps[1]))
	w.oneLine("ssh on PATH", err, want)
}

func ipOf(ep string) string { return strings.TrimSuffix(ep[strings.Index(ep, "(")+1:], ")") }

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	return port
}

func writeFile(t *testing.T, path, content string) {
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}
