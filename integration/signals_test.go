package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// signalConfig is a project with a step that runs until interrupted, a
// quick verb, and a verb whose service never gets healthy.
const signalConfig = `image = "gazr-test/busybox:1"
[verbs.test-unit]
run = ["echo started", "sleep 300"]
[verbs.style]
run = ["true"]
[verbs.test-integration]
run = ["echo the step ran"]
services = ["slow"]
`

const signalCompose = `services:
  slow:
    image: gazr-test/busybox:1
    command: ["sleep", "1000"]
    init: true
    volumes: ["/state"]
    healthcheck:
      test: ["CMD", "test", "-f", "/never"]
      interval: 200ms
      start_period: 60s
`

// TestSignals runs the real gazr binary, built once, and interrupts it:
// SIGINT at random early moments (0.02–0.4 s after start, while gazr
// creates its containers) must leave nothing of the project on the engine
// and print nothing untrue; the step container of a gazr killed by
// SIGKILL is removed, and mentioned, by the next run, but never the step
// of another gazr still running.
func TestSignals(t *testing.T) {
	enginetest.Connect(t, "gazr-test/busybox:1")
	bin := buildGazr(t)
	t.Run("step", func(t *testing.T) { interruptEarly(t, bin, "test-unit", 50) })
	t.Run("sidecar", func(t *testing.T) { interruptEarly(t, bin, "test-integration", 12) })
	t.Run("killed", func(t *testing.T) { reapKilled(t, bin) })
	t.Run("neighbour", func(t *testing.T) { keepNeighbour(t, bin) })
}

// interruptEarly runs verb n times, each time sending SIGINT at a random
// moment 0.02–0.4 s after start, and checks that each run exits 130 (or
// died before gazr handled signals, having printed nothing), warns of
// nothing, and leaves no container, network or volume of the project.
func interruptEarly(t *testing.T, bin, verb string, n int) {
	p := newSignalProject(t, bin)
	started, leftRuns := 0, 0
	for i := range n {
		delay := time.Duration(20+rand.IntN(381)) * time.Millisecond
		gz := p.start(t, verb)
		time.Sleep(delay)
		_ = gz.cmd.Process.Signal(syscall.SIGINT)
		code, stderr := gz.wait(t)
		if strings.Contains(stderr, "▶") {
			started++
		}
		switch {
		case code == 130:
		case code == -1 && stderr == "": // SIGINT came before gazr's handler
		default:
			t.Errorf("run %d (SIGINT after %s): exit code %d, want 130; stderr:\n%s", i, delay, code, stderr)
		}
		if strings.Contains(stderr, "warning") || strings.Contains(stderr, "the step ran") {
			t.Errorf("run %d (SIGINT after %s): stderr:\n%s", i, delay, stderr)
		}
		if left := p.leftovers(t); len(left) > 0 {
			t.Errorf("run %d (SIGINT after %s): left %s; stderr:\n%s", i, delay, strings.Join(left, ", "), stderr)
			leftRuns++
			p.destroy(t)
		}
	}
	t.Logf("%s: %d SIGINTs, %d of them after gazr printed the step or services line; leftovers after %d runs",
		verb, n, started, leftRuns)
}

// signalProject is a project directory of signalConfig, its own project
// on the engine.
type signalProject struct {
	bin, dir, name string
	cli            *client.Client
}

func newSignalProject(t *testing.T, bin string) *signalProject {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("sig-%08x", rand.Uint32()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{".gazr.toml": signalConfig, "compose.yaml": signalCompose} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cli, err := container.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := &signalProject{bin: bin, dir: dir, name: config.DefaultName(dir), cli: cli}
	t.Cleanup(func() {
		p.destroy(t)
		cli.Close()
	})
	return p
}

// gazrRun is a gazr process started by signalProject.start.
type gazrRun struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func (p *signalProject) start(t *testing.T, args ...string) *gazrRun {
	t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "XDG_CACHE_HOME="+filepath.Join(p.dir, ".cache"))
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &gazrRun{cmd: cmd, stderr: &stderr}
}

// wait waits (up to a minute) for gazr to end and returns its exit code
// (-1 when a signal ended it) and output.
func (g *gazrRun) wait(t *testing.T) (int, string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- g.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return g.cmd.ProcessState.ExitCode(), g.stderr.String()
	case <-time.After(time.Minute):
		_ = g.cmd.Process.Kill()
		<-done
		t.Fatalf("gazr %s still runs after a minute; output:\n%s", strings.Join(g.cmd.Args[1:], " "), g.stderr.String())
		return 0, ""
	}
}

// leftovers are the project's containers, networks and volumes.
func (p *signalProject) leftovers(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	label := client.Filters{}.Add("label", container.LabelProject+"="+p.name)
	cs, err := p.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: label})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, c := range cs.Items {
		left = append(left, fmt.Sprintf("container %s (%s)", strings.Join(c.Names, ","), c.State))
	}
	ns, err := p.cli.NetworkList(ctx, client.NetworkListOptions{Filters: label})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns.Items {
		left = append(left, "network "+n.Name)
	}
	vs, err := p.cli.VolumeList(ctx, client.VolumeListOptions{Filters: label})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs.Items {
		left = append(left, "volume "+v.Name)
	}
	return left
}

// destroy removes everything of the project, so that one failure does not
// make the next runs fail.
func (p *signalProject) destroy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := (&sidecar.Manager{API: p.cli, Project: p.name}).Destroy(ctx, true); err != nil {
		t.Logf("clean-up of project %s: %v", p.name, err)
	}
}
