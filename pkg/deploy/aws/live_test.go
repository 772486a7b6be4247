package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awshelper"
)

// The live tests run the read-only calls of the wire tests (describe,
// Nodes, the ECR login, Check) against real AWS, through the real
// gazr-aws helper. They change nothing in the account. To run them:
//
//	GAZR_AWS_LIVE=1 GAZR_AWS_LIVE_ENV=path/to/.gazr.toml#staging \
//	  GAZR_AWS_HELPER=<dir>/gazr-aws go test -run TestLive ./pkg/deploy/aws
//
// GAZR_AWS_LIVE_ENV names a .gazr.toml and one of its envs of backend
// "aws" (its region, profile, groups, ssh_user, jump); without
// "#<env>", the file's only aws env. Credentials come from the SDK's
// default chain (AWS_PROFILE, ~/.aws, SSO, an instance role), as for
// gazr itself. Nodes and Check reach a manager over SSH: GAZR_SSH_CONFIG
// or ~/.ssh/config must let them in. Without GAZR_AWS_LIVE=1 they are
// skipped, saying so.

// liveEnv returns the env GAZR_AWS_LIVE_ENV names, or skips the test.
func liveEnv(t *testing.T) *config.Environment {
	t.Helper()
	if os.Getenv("GAZR_AWS_LIVE") != "1" {
		t.Skip("live AWS tests: set GAZR_AWS_LIVE=1 and GAZR_AWS_LIVE_ENV=<.gazr.toml>#<env> to run them against a real account (read-only)")
	}
	spec := os.Getenv("GAZR_AWS_LIVE_ENV")
	if spec == "" {
		t.Fatal("GAZR_AWS_LIVE=1 needs GAZR_AWS_LIVE_ENV=<.gazr.toml>[#<env>]")
	}
	path, name, _ := strings.Cut(spec, "#")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("GAZR_AWS_LIVE_ENV: %v", err)
	}
	cfg, err := config.Parse(path, data)
	if err != nil {
		t.Fatalf("GAZR_AWS_LIVE_ENV: %v", err)
	}
	if name == "" {
		var aws []string
		for n, e := range cfg.Envs {
			if e.Backend == "aws" {
				aws = append(aws, n)
			}
		}
		if len(aws) != 1 {
			t.Fatalf("GAZR_AWS_LIVE_ENV: %s has %d envs of backend aws (%v): name one, %s#<env>", filepath.Base(path), len(aws), aws, path)
		}
		name = aws[0]
	}
	env, err := cfg.Env(name)
	if err != nil || env.Backend != "aws" {
		t.Fatalf("GAZR_AWS_LIVE_ENV: env %q: %v (backend %q)", name, err, env.Backend)
	}
	t.Setenv(HelperEnv, awshelper.Path(t))
	return env
}

func liveBackend(t *testing.T) *Backend {
	t.Helper()
	b, err := NewWith(deploy.BackendOptions{Env: liveEnv(t), Log: testLog{t}}, &ExecCaller{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestLiveDescribe: the env's groups exist and have a running manager.
func TestLiveDescribe(t *testing.T) {
	b := liveBackend(t)
	start := time.Now()
	cl, err := b.describe(wireCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("describe in %v: region %s; managers: %s, %s; workers: %s, %s", time.Since(start).Round(time.Millisecond),
		cl.Region, cl.Managers.Searched, census(cl.Managers), cl.Workers.Searched, census(cl.Workers))
	if len(candidates(cl.Managers)) == 0 {
		t.Errorf("no running manager instance (%s)", cl.Managers.Searched)
	}
}

// TestLiveNodes: the swarm's nodes, each with its instance.
func TestLiveNodes(t *testing.T) {
	b := liveBackend(t)
	nodes, err := b.Nodes(wireCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		t.Logf("%s %s joined=%v ready=%v manager=%v instance=%s %s %s", n.Hostname, n.Addr, n.Joined, n.Ready, n.Manager, n.Instance, n.Machine, n.Group)
		if n.Joined && n.Instance == "" {
			t.Errorf("node %s (%s) matches no instance of the env", n.Hostname, n.ID)
		}
	}
}

// TestLiveRegistry: an ECR login with its expiry (the env's registry
// must be ECR).
func TestLiveRegistry(t *testing.T) {
	b := liveBackend(t)
	if !b.ecr() {
		t.Skipf("env %s pushes to %s, not ECR", b.env.Name, registryName(b.env, b.cfg))
	}
	r, err := b.Registry(wireCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Host == "" || r.Auth == "" || time.Until(r.Expires) < time.Hour {
		t.Errorf("Registry: host %q, auth set %v, expires %v", r.Host, r.Auth != "", r.Expires)
	}
}

// TestLiveCheck: gazr doctor's findings for the env; a failure fails.
func TestLiveCheck(t *testing.T) {
	b := liveBackend(t)
	fs, err := b.Check(wireCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		t.Logf("%s %s: %s", f.Level, f.Name, f.Detail)
		if f.Level == deploy.Failure {
			t.Errorf("%s: %s; fix: %s", f.Name, f.Detail, f.Fix)
		}
	}
}
