package integration

import (
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
	t.Cleanup(func() { sweepProjects(t, cli) })
	runScripts(t, testscript.Params{
		Files:               files,
		RequireExplicitExec: true,
		Setup:               deploySetup,
		Cmds:                deployCmds(),
	})
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
	ct := &concurrentT{T: t, sem: make(chan struct{}, n)}
	testscript.RunT(ct, p)
	ct.wg.Wait()
}

// concurrentT runs each script in its own subtest, in its own goroutine,
// bounded by sem. Parallel is a no-op: the concurrency is this type's.
type concurrentT struct {
	*testing.T
	sem chan struct{}
	wg  sync.WaitGroup
}

func (c *concurrentT) Run(name string, f func(testscript.T)) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.T.Run(name, func(t *testing.T) {
			c.sem <- struct{}{}
			defer func() { <-c.sem }()
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
	start := time.Now()
	env.Defer(func() {
		ran := time.Since(start)
		if err := st.cleanup(); err != nil {
			env.T().Log(err)
		}
		env.T().Log(fmt.Sprintf("%s: script ran %s, clean-up took %s", project,
			ran.Round(time.Millisecond), (time.Since(start) - ran).Round(time.Millisecond)))
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
