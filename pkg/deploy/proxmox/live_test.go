package proxmox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// The live tests run the backend's read-only calls (the inventory, Check,
// Nodes) against a real Proxmox VE cluster. They change nothing on it: no
// clone, no config, no power. To run them:
//
//	GAZR_PVE_LIVE=1 GAZR_PVE_LIVE_ENV=path/to/.gazr.toml#pve \
//	  PVE_TOKEN='gazr@pve!deploy=…' go test -run TestLive ./pkg/deploy/proxmox
//
// GAZR_PVE_LIVE_ENV names a .gazr.toml and one of its envs of backend
// "proxmox"; without "#<env>", the file's only proxmox env. The token is
// read from the variable its token_env names, as for gazr itself. Check
// and Nodes reach a manager over SSH: GAZR_SSH_CONFIG or ~/.ssh/config
// must let them in. Without GAZR_PVE_LIVE=1 they are skipped, saying so.

// liveEnv returns the env GAZR_PVE_LIVE_ENV names, or skips the test.
func liveEnv(t *testing.T) *config.Environment {
	t.Helper()
	if os.Getenv("GAZR_PVE_LIVE") != "1" {
		t.Skip("live Proxmox VE tests: set GAZR_PVE_LIVE=1 and GAZR_PVE_LIVE_ENV=<.gazr.toml>#<env> to run them against a real cluster (read-only)")
	}
	spec := os.Getenv("GAZR_PVE_LIVE_ENV")
	if spec == "" {
		t.Fatal("GAZR_PVE_LIVE=1 needs GAZR_PVE_LIVE_ENV=<.gazr.toml>[#<env>]")
	}
	path, name, _ := strings.Cut(spec, "#")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("GAZR_PVE_LIVE_ENV: %v", err)
	}
	cfg, err := config.Parse(path, data)
	if err != nil {
		t.Fatalf("GAZR_PVE_LIVE_ENV: %v", err)
	}
	if name == "" {
		var pve []string
		for n, e := range cfg.Envs {
			if e.Backend == "proxmox" {
				pve = append(pve, n)
			}
		}
		if len(pve) != 1 {
			t.Fatalf("GAZR_PVE_LIVE_ENV: %s has %d envs of backend proxmox (%v): name one, %s#<env>", filepath.Base(path), len(pve), pve, path)
		}
		name = pve[0]
	}
	env, err := cfg.Env(name)
	if err != nil || env.Backend != "proxmox" {
		t.Fatalf("GAZR_PVE_LIVE_ENV: env %q: %v (backend %q)", name, err, env.Backend)
	}
	return env
}

func liveBackend(t *testing.T) *Backend {
	t.Helper()
	b, err := New(deploy.BackendOptions{Env: liveEnv(t), Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	return b.(*Backend)
}

func liveCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestLiveInventory: the API answers with the token, the templates exist
// and are templates, and the env has a running manager VM.
func TestLiveInventory(t *testing.T) {
	b := liveBackend(t)
	c, err := b.client()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	in, err := b.inventory(liveCtx(t), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("inventory in %v: %d VMs in the cluster; the env's managers: %s; workers: %s", time.Since(start).Round(time.Millisecond),
		len(in.all), census(in.role(roleManager)), census(in.role(roleWorker)))
	for _, role := range []string{roleManager, roleWorker} {
		if tpl, err := b.template(in, role); err != nil {
			t.Errorf("%s template: %v", role, err)
		} else {
			t.Logf("%s template: %s on %s", role, tpl, tpl.Node)
		}
	}
	for _, v := range in.env {
		if v.Untagged {
			t.Errorf("%s is the env's by its name and marker, not tagged: run gazr cluster up --env %s", v, b.env.Name)
		}
	}
}

// TestLiveCheck: gazr doctor's findings for the env; a failure fails.
func TestLiveCheck(t *testing.T) {
	b := liveBackend(t)
	fs, err := b.Check(liveCtx(t))
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

// TestLiveNodes: the swarm's nodes, each with its VM and PVE node.
func TestLiveNodes(t *testing.T) {
	b := liveBackend(t)
	nodes, err := b.Nodes(liveCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		t.Logf("%s %s joined=%v ready=%v manager=%v vm=%s %s on %s", n.Hostname, n.Addr, n.Joined, n.Ready, n.Manager, n.Instance, n.Machine, n.Host)
		if n.Joined && n.Instance == "" {
			t.Errorf("node %s (%s) matches no VM of the env", n.Hostname, n.ID)
		}
	}
}
