package integration

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/load"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/testapp"
	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/image"
)

// deployImages are the images the deploy scripts need: the test app's
// two stages, the edge, the registry, an engine in a container.
var deployImages = []string{"gazr-test/go:1.26", "gazr-test/busybox:1", "gazr-test/haproxy:2.6", "gazr-test/registry:2", swarmbed.DefaultImage}

// edgeImage stands in for the edge's default haproxy image.
const edgeImage = "gazr-test/haproxy:2.6"

// TestDeploy runs the deploy scripts (testdata/deploy/*.txtar) against the
// local engine's swarm: real builds, rollouts, rollbacks, locks and
// registry pushes, with a load loop through gazr's edge.
//
// Each script is its own project (gzd-<script>-<random>, in $PROJECT) with
// its own edge port ($EDGE_PORT), and everything it creates in the swarm
// is removed when it ends, whether it passed or not. The swarm itself is
// left initialised. Scripts run concurrently (GAZR_TEST_PARALLEL, default
// 4): they spend most of their time waiting for swarm.
func TestDeploy(t *testing.T) {
	cli := deployEngine(t)
	warmBuildCache(t, cli)
	files, err := filepath.Glob(filepath.Join("testdata", "deploy", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no deploy scripts: %v", err)
	}
	t.Cleanup(func() {
		background.wait(t)
		sweepProjects(t, cli)
	})
	runScripts(t, testscript.Params{
		Files:               files,
		RequireExplicitExec: true,
		Setup:               deploySetup,
		Cmds:                deployCmds(),
	})
}

// background runs the scripts' clean-ups: most of one is waiting for
// the script's tasks to stop before its networks and configs can go (6 to
// 16 s a script), which the next script need not wait for. TestDeploy
// waits for them all before its final sweep.
var background cleanups

type cleanups struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	logs []string
}

func (c *cleanups) cleanup(st *deployState) {
	c.wg.Go(func() {
		start := time.Now()
		err := st.cleanup()
		msg := fmt.Sprintf("%s: clean-up took %s", st.project, time.Since(start).Round(time.Millisecond))
		if err != nil {
			msg = err.Error()
		}
		c.mu.Lock()
		c.logs = append(c.logs, msg)
		c.mu.Unlock()
	})
}

// wait waits for the clean-ups started so far and logs how each went
// (a failed one is swept again, and reported then if anything is left).
func (c *cleanups) wait(t *testing.T) {
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.logs {
		t.Log(l)
	}
	c.logs = nil
}

// deployEngine connects to the engine and checks that it has what the
// deploy scripts need; enginetest's policy decides what happens when it
// does not.
func deployEngine(t *testing.T) *client.Client {
	t.Helper()
	cli := enginetest.Connect(t, deployImages...)
	if _, err := exec.LookPath("git"); err != nil {
		enginetest.Missing(t, "deploy tests need git (the deployed version is the commit): %v", err)
	}
	return cli
}

func swarmActive(ctx context.Context, cli client.SystemAPIClient) bool {
	info, err := cli.Info(ctx, client.InfoOptions{})
	return err == nil && info.Info.Swarm.LocalNodeState == swarm.LocalNodeStateActive && info.Info.Swarm.ControlAvailable
}

// warmBuildCache builds the test app's build stage once, so that the
// scripts, which all build the same sources, share the engine's layer
// cache instead of compiling it concurrently. The tag keeps the cache.
func warmBuildCache(t *testing.T, cli *client.Client) {
	dir := t.TempDir()
	if err := testapp.Write(dir, "warm"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := image.Build(t.Context(), cli, image.BuildRequest{Dir: dir, Target: "build", Tags: []string{"gazr-test/testapp-build:cache"}}, nil)
	if err != nil {
		t.Fatalf("build the test app: %v", err)
	}
	t.Logf("test app build stage ready in %s", time.Since(start).Round(time.Millisecond))
}

// runScripts runs p.Files as testscript.Run does, but up to
// GAZR_TEST_PARALLEL (default 4) at a time whatever go test's -parallel:
// the scripts wait on swarm far more than they use the CPU.
func runScripts(t *testing.T, p testscript.Params) {
	n, err := strconv.Atoi(os.Getenv("GAZR_TEST_PARALLEL"))
	if err != nil || n < 1 {
		n = 4
	}
	if d, ok := t.Deadline(); ok {
		p.Deadline = d
	}
	ct := &concurrentT{T: t, sem: make(chan struct{}, n), alone: aloneScripts(t, p.Files)}
	testscript.RunT(ct, p)
	ct.wg.Wait()
}

// aloneScripts are the scripts that count failed requests through their
// edge (a load loop): they run with no other script, nor any other
// script's clean-up, beside them. Every
// edge routes every routed service of the swarm, so another script's
// first deploy changes this script's edge, which restarts (stop-first on
// its host port) and answers 503s that are not this script's doing.
func aloneScripts(t *testing.T, files []string) map[string]bool {
	alone := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("\nload start ")) {
			alone[strings.TrimSuffix(filepath.Base(f), ".txtar")] = true
		}
	}
	return alone
}

// concurrentT runs each script in its own subtest, in its own goroutine,
// bounded by sem; a script of alone takes every slot. Parallel is a
// no-op: the concurrency is this type's.
type concurrentT struct {
	*testing.T
	sem   chan struct{}
	alone map[string]bool
	all   sync.Mutex // held while an alone script takes the slots one by one
	wg    sync.WaitGroup
}

func (c *concurrentT) Run(name string, f func(testscript.T)) {
	slots := 1
	if c.alone[name] {
		slots = cap(c.sem)
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.T.Run(name, func(t *testing.T) {
			c.all.Lock()
			for range slots {
				c.sem <- struct{}{}
			}
			c.all.Unlock()
			if c.alone[name] {
				// Nor beside another script's clean-up: removing its
				// routed services changes this script's edge too.
				background.wg.Wait()
			}
			defer func() {
				for range slots {
					<-c.sem
				}
			}()
			f(serialT{t})
		})
	}()
}

func (c *concurrentT) Verbose() bool { return testing.Verbose() }

type serialT struct{ *testing.T }

func (serialT) Parallel()     {}
func (serialT) Verbose() bool { return testing.Verbose() }
func (s serialT) Run(name string, f func(testscript.T)) {
	s.T.Run(name, func(t *testing.T) { f(serialT{t}) })
}

// deployState is a script's own: its project, its ports, its load loop,
// its snapshots, its registry container.
type deployState struct {
	project  string
	edgePort int

	mu       sync.Mutex
	loop     *load.Loop
	specs    map[string][]string
	registry string        // container ID
	bed      *swarmbed.Bed // noswarm's engine
}

type stateKey struct{}

func state(ts *testscript.TestScript) *deployState {
	return ts.Value(stateKey{}).(*deployState)
}

// projects are the projects of this run, for the final sweep.
var projects struct {
	sync.Mutex
	all []*deployState
}

func deploySetup(env *testscript.Env) error {
	if err := setup(env); err != nil {
		return err
	}
	script := strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")
	// A DNS label (it is part of the edge's host names), unique even when
	// two runs share the engine.
	project := fmt.Sprintf("gzd-%s-%04x", strings.ReplaceAll(strings.ToLower(script), "_", "-"), rand.N(0x10000))
	port, err := freePort()
	if err != nil {
		return err
	}
	st := &deployState{project: project, edgePort: port, specs: map[string][]string{}}
	projects.Lock()
	projects.all = append(projects.all, st)
	projects.Unlock()
	env.Values[stateKey{}] = st
	env.Values[engineProxyKey{}] = new(*engineProxy)
	start := time.Now()
	env.Defer(func() {
		env.T().Log(fmt.Sprintf("%s: script ran %s; its clean-up goes on in the background", project, time.Since(start).Round(time.Millisecond)))
		background.cleanup(st)
	})
	env.Setenv("PROJECT", project)
	env.Setenv("EDGE_PORT", strconv.Itoa(port))
	env.Setenv("GAZR_EDGE_IMAGE", edgeImage)
	env.Setenv("GAZR_DEPLOYER", "gazr-test")
	return nil
}

// usedPorts are the ports handed out in this process.
var usedPorts sync.Map

// freePort picks a free TCP port for an edge, out of the kernel's
// ephemeral range so that no outgoing connection takes it meanwhile.
func freePort() (int, error) {
	for range 100 {
		port := 20000 + rand.N(10000)
		if _, taken := usedPorts.LoadOrStore(port, true); taken {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return port, nil
	}
	return 0, fmt.Errorf("no free port in 20000-29999")
}
