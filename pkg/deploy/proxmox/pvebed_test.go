package proxmox_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/app"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvebed"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/deploy/proxmox"
	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// The engine tests of the proxmox backend: gazr's go-proxmox client
// talks to the fake PVE API of a pvebed, whose VMs are real engines
// reached over ssh. One bed serves them all, in order: gazr cluster up
// (interrupted, resumed, then run again), the conformance suite, a
// deploy, a PVE node lost. Each needs the state the one before left.

// fixture is the shared bed and what the tests need around it.
type fixture struct {
	bed     *pvebed.Bed
	dir     string // the project's directory (.gazr.toml)
	version string // the deployed version (Deploy)
}

// TestPVEBed runs the proxmox backend's proofs on one pvebed.
func TestPVEBed(t *testing.T) {
	enginetest.Connect(t, swarmbed.SSHImage, swarmbed.RegistryImage, deploytest.DefaultImage)
	t0 := time.Now()
	fx := startFixture(t)
	t.Logf("TIMING bed (3 PVE nodes, no VM) ready in %s", time.Since(t0).Round(time.Millisecond))
	for _, st := range []struct {
		name string
		f    func(*testing.T, *fixture)
	}{
		{"ClusterUp", testClusterUp},
		{"Conformance", testConformance},
		{"Restart", testRestart},
		{"Deploy", testDeploy},
		{"LoseNode", testLoseNode},
	} {
		t0 := time.Now()
		ok := t.Run(st.name, func(t *testing.T) { st.f(t, fx) })
		t.Logf("TIMING %s: %s", st.name, time.Since(t0).Round(time.Millisecond))
		if !ok {
			return // the bed is in an unknown state: what follows would fail for nothing
		}
	}
}

// startFixture starts the bed and points the process's environment at
// it: the token, the bed's ssh_config, its docker config.
func startFixture(t *testing.T) *fixture {
	t.Helper()
	fx := &fixture{dir: t.TempDir()}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	b, err := pvebed.Start(ctx, pvebed.Options{Images: []string{deploytest.DefaultImage}, Logf: t.Logf})
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
	for _, kv := range b.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	toml := "name = \"gzpve\"\n\n" + b.EnvTOML()
	if err := os.WriteFile(filepath.Join(fx.dir, ".gazr.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	return fx
}

// env is the bed's env, as gazr loads it.
func (fx *fixture) env(t *testing.T) *config.Environment {
	t.Helper()
	cfg, err := config.Parse(".gazr.toml", []byte(fx.bed.EnvTOML()))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Envs[fx.bed.EnvName()]
}

// backend is the env's proxmox backend, as gazr makes it.
func (fx *fixture) backend(t *testing.T) deploy.Backend {
	t.Helper()
	b, err := proxmox.New(deploy.BackendOptions{Env: fx.env(t), Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envVMs are the env's VMs (those with its cluster tag), by role tag.
func (fx *fixture) envVMs() (managers, workers []pvefake.VM) {
	for _, v := range fx.bed.Fake.VMs() {
		switch {
		case v.Template || !slices.Contains(v.Tags, fx.bed.ClusterTag()):
		case slices.Contains(v.Tags, proxmox.TagManager):
			managers = append(managers, v)
		case slices.Contains(v.Tags, proxmox.TagWorker):
			workers = append(workers, v)
		}
	}
	return managers, workers
}

// runGazr runs gazr's command line in the project's directory, in this
// process (app.Run, as the binary's main does), with ctx, and returns
// its stdout and stderr, and its error.
func runGazr(t *testing.T, ctx context.Context, fx *fixture, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	io, out, errOut := iostreams.Test()
	t.Setenv("GAZR_DEPLOYER", "gazr-test")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(fx.dir, ".cache"))
	err = app.Run(ctx, io, append([]string{"gazr", "-C", fx.dir}, args...))
	t.Logf("gazr %s:\n%s%s", strings.Join(args, " "), errOut, out)
	return out.String(), errOut.String(), err
}

// gazr is runGazr that fails the test when gazr fails, with 3 minutes.
func gazr(t *testing.T, fx *fixture, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out, errOut, err := runGazr(t, ctx, fx, args...)
	if err != nil {
		t.Fatalf("gazr %s: %v", strings.Join(args, " "), err)
	}
	return out + errOut
}

// testLog writes to t.Log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
