package integration

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
)

// buildGazr builds cmd/gazr once for the test: signals must reach the
// real binary, not testscript's in-process stand-in.
func buildGazr(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "gazr")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = filepath.Join("..", "cmd", "gazr")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building cmd/gazr: %v\n%s", err, b)
	}
	return out
}

// reapKilled kills gazr (SIGKILL) while its step runs: the step's
// container outlives it; the next run of the project removes it and says
// so, naming the dead gazr's pid.
func reapKilled(t *testing.T, bin string) {
	p := newSignalProject(t, bin)
	gz := p.start(t, "test-unit")
	id := p.waitRunning(t, gz)
	if err := gz.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	gz.wait(t)
	if n := len(p.leftovers(t)); n != 1 {
		t.Fatalf("after SIGKILL: %d objects of the project, want its step's container", n)
	}

	code, stderr := p.start(t, "style").wait(t)
	if code != 0 {
		t.Fatalf("gazr style after the kill: exit %d\n%s", code, stderr)
	}
	want := `(?m)^gazr: removed 1 container left by a gazr that is no longer running: gazr-` + regexp.QuoteMeta(p.name) +
		`-test-unit-[0-9a-f]+ \(pid ` + strconv.Itoa(gz.cmd.Process.Pid) + `\)$`
	if !regexp.MustCompile(want).MatchString(stderr) {
		t.Errorf("gazr style after the kill: stderr does not match %s:\n%s", want, stderr)
	}
	if left := p.leftovers(t); len(left) > 0 {
		t.Errorf("container %.12s of the killed gazr: left %v", id, left)
	}
}

// keepNeighbour runs a verb while another gazr of the same project runs
// its step: that step is neither removed nor mentioned.
func keepNeighbour(t *testing.T, bin string) {
	p := newSignalProject(t, bin)
	first := p.start(t, "test-unit")
	id := p.waitRunning(t, first)

	code, stderr := p.start(t, "style").wait(t)
	if code != 0 {
		t.Fatalf("gazr style next to a running gazr: exit %d\n%s", code, stderr)
	}
	if regexp.MustCompile(`removed|warning`).MatchString(stderr) {
		t.Errorf("gazr style next to a running gazr said:\n%s", stderr)
	}
	insp, err := p.cli.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	if err != nil || insp.Container.State == nil || !insp.Container.State.Running {
		t.Errorf("the other gazr's step container %.12s: %v, want it running", id, err)
	}

	_ = first.cmd.Process.Signal(syscall.SIGINT)
	if code, stderr := first.wait(t); code != 130 {
		t.Errorf("the first gazr, interrupted: exit %d, want 130\n%s", code, stderr)
	}
	if left := p.leftovers(t); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

// waitRunning waits (up to a minute) until the project has a running
// container, and returns its ID.
func (p *signalProject) waitRunning(t *testing.T, gz *gazrRun) string {
	t.Helper()
	filters := client.Filters{}.Add("label", container.LabelProject+"="+p.name).Add("status", "running")
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		cs, err := p.cli.ContainerList(context.Background(), client.ContainerListOptions{Filters: filters})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Items) > 0 {
			return cs.Items[0].ID
		}
	}
	_ = gz.cmd.Process.Kill()
	t.Fatalf("no running container of project %s after a minute; gazr said:\n%s", p.name, gz.stderr.String())
	return ""
}
