package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/fingerprint"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
)

// testConfig is a project whose build runs after style and complexity,
// which need nothing: with -j 2 they run at once.
const testConfig = `name = "shop"
image = "img:1"
convention = "none"
[verbs.style]
run = "lint"
[verbs.complexity]
run = "gocyclo"
[verbs.build]
run = "make"
deps = ["style", "complexity"]
`

// setup writes files into a new project directory, with the fingerprint
// store in a temporary directory of its own, and loads it.
func setup(t *testing.T, files map[string]string) *project.Project {
	t.Helper()
	t.Setenv(fingerprint.CacheDirEnv, t.TempDir())
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := project.Load(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// run resolves verb and runs it on engine with jobs steps at once; it
// returns stdout, stderr and the error.
func run(ctx context.Context, t *testing.T, p *project.Project, engine *fakeEngine, svc *fakeServices, verb string, jobs int, force bool) (stdout, stderr string, err error) {
	t.Helper()
	pl, err := p.Plan(verb, project.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io, out, errOut := iostreams.Test()
	opts := &Options{IO: io, Jobs: jobs, Force: force,
		Engine: func(context.Context) (container.StepAPI, error) { return engine, nil },
		Services: func(context.Context, string) (Services, error) {
			if svc == nil {
				t.Error("Services called: no step of this plan needs services")
				return nil, errors.New("no services")
			}
			return svc, nil
		}}
	err = Run(ctx, opts, p, pl)
	if left := engine.Left(); len(left) > 0 {
		t.Errorf("containers left behind: %v", left)
	}
	return out.String(), errOut.String(), err
}

func index(events []string, e string) int {
	return slices.Index(events, e)
}

func TestRunDepsOrder(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": testConfig})
	engine := newFakeEngine()
	_, errOut, err := run(context.Background(), t, p, engine, nil, "build", 1, false)
	if err != nil {
		t.Fatal(err)
	}
	ev := engine.Events()
	build := index(ev, "create build")
	for _, dep := range []string{"style", "complexity"} {
		if done := index(ev, "exit "+dep+" 0"); done < 0 || build < done {
			t.Errorf("build was created before %s exited: %v", dep, ev)
		}
	}
	if n := engine.MaxRunning(); n != 1 {
		t.Errorf("%d steps ran at once with -j 1, want 1", n)
	}
	if !strings.Contains(errOut, "build: 3 steps passed") {
		t.Errorf("stderr has no summary line:\n%s", errOut)
	}
}

func TestRunParallelPrefixed(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": testConfig})
	engine := newFakeEngine()
	// style and complexity hold until both have started: they ran at once.
	both := make(chan struct{})
	engine.behaviours["style"] = behaviour{out: []string{"ok style"}, hold: both}
	engine.behaviours["complexity"] = behaviour{out: []string{"ok complexity"}, hold: both}
	engine.behaviours["build"] = behaviour{out: []string{"ok build"}}
	go func() {
		for engine.Running() < 2 {
			time.Sleep(time.Millisecond)
		}
		close(both)
	}()
	out, _, err := run(context.Background(), t, p, engine, nil, "build", 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if engine.MaxRunning() != 2 {
		t.Errorf("%d steps ran at once with -j 2, want 2", engine.MaxRunning())
	}
	for _, want := range []string{
		"style      | ok style\n",
		"complexity | ok complexity\n",
		"build      | ok build\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout has no line %q:\n%s", want, out)
		}
	}
}

func TestRunNotParallelNotPrefixed(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": testConfig})
	engine := newFakeEngine()
	engine.behaviours["style"] = behaviour{out: []string{"ok style"}}
	out, _, err := run(context.Background(), t, p, engine, nil, "style", 4, false)
	if err != nil {
		t.Fatal(err)
	}
	if out != "ok style\n" {
		t.Errorf("stdout = %q, want the step's output unprefixed", out)
	}
}

func TestRunFailingStep(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": testConfig})
	engine := newFakeEngine()
	engine.behaviours["style"] = behaviour{code: 3}
	_, errOut, err := run(context.Background(), t, p, engine, nil, "build", 1, false)
	var failed *StepError
	if !errors.As(err, &failed) || failed.Code != 3 || failed.Verb != "style" {
		t.Fatalf("err = %v (%T), want a *StepError of style with code 3", err, err)
	}
	if ev := engine.Events(); index(ev, "create build") >= 0 {
		t.Errorf("build ran after style failed: %v", ev)
	}
	if !strings.Contains(errOut, "style failed with exit code 3") {
		t.Errorf("stderr does not report the failure:\n%s", errOut)
	}
	if strings.Contains(errOut, "steps passed") {
		t.Errorf("stderr has a summary line after a failure:\n%s", errOut)
	}
}

const sourcesConfig = `name = "shop"
image = "img:1"
convention = "none"
[verbs.style]
run = "lint"
sources = ["*.go"]
`

func TestRunSkipUnchanged(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": sourcesConfig, "main.go": "package main\n"})
	engine := newFakeEngine()
	created := func() int {
		n := 0
		for _, e := range engine.Events() {
			if e == "create style" {
				n++
			}
		}
		return n
	}
	if _, _, err := run(context.Background(), t, p, engine, nil, "style", 1, false); err != nil || created() != 1 {
		t.Fatalf("first run: err = %v, %d containers, want 1", err, created())
	}
	_, errOut, err := run(context.Background(), t, p, engine, nil, "style", 1, false)
	if err != nil || created() != 1 || !strings.Contains(errOut, "style skipped: unchanged") {
		t.Fatalf("unchanged: err = %v, %d containers, want 1 (skipped); stderr:\n%s", err, created(), errOut)
	}
	if _, _, err := run(context.Background(), t, p, engine, nil, "style", 1, true); err != nil || created() != 2 {
		t.Fatalf("--force: err = %v, %d containers, want 2", err, created())
	}
	if err := os.WriteFile(filepath.Join(p.Config.Root, "main.go"), []byte("package main // changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(context.Background(), t, p, engine, nil, "style", 1, false); err != nil || created() != 3 {
		t.Fatalf("changed source: err = %v, %d containers, want 3", err, created())
	}
}

func TestRunFailureNotRecorded(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": sourcesConfig, "main.go": "package main\n"})
	engine := newFakeEngine()
	engine.behaviours["style"] = behaviour{code: 1}
	for i := range 2 {
		var failed *StepError
		if _, _, err := run(context.Background(), t, p, engine, nil, "style", 1, false); !errors.As(err, &failed) {
			t.Fatalf("run %d: err = %v, want the step's failure (a failure is never skipped)", i, err)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": testConfig})
	engine := newFakeEngine()
	engine.behaviours["style"] = behaviour{hold: make(chan struct{})} // until killed
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for engine.Running() < 1 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, errOut, err := run(ctx, t, p, engine, nil, "build", 1, false)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	ev := engine.Events()
	if index(ev, "kill style") < 0 {
		t.Errorf("the running step was not signalled: %v", ev)
	}
	if index(ev, "create build") >= 0 {
		t.Errorf("a step started after cancellation: %v", ev)
	}
	if !strings.Contains(errOut, "style interrupted") {
		t.Errorf("stderr does not say the step was interrupted:\n%s", errOut)
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		step plan.Step
		want string
	}{
		{
			name: "one command",
			step: plan.Step{Commands: []string{"go test ./..."}, Image: plan.Value{Value: "golang:1.26"}},
			want: "go test ./... · golang:1.26",
		},
		{
			name: "several commands and args",
			step: plan.Step{Commands: []string{"go vet ./...", "go test ./..."}, Args: []string{"-run", "Test X"}, Image: plan.Value{Value: "img"}},
			want: "go vet ./... && go test ./... -run 'Test X' · img",
		},
		{
			name: "multi-line command on one line",
			step: plan.Step{Commands: []string{"cat <<EOF\nhi\nEOF"}, Image: plan.Value{Value: "img"}},
			want: "cat <<EOF ⏎ hi ⏎ EOF · img",
		},
		{
			name: "long command cut at 72 runes",
			step: plan.Step{Commands: []string{"echo a" + strings.Repeat("é", 100)}, Image: plan.Value{Value: "img"}},
			want: "echo a" + strings.Repeat("é", 63) + "... · img",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summary(&tt.step); got != tt.want {
				t.Errorf("Summary = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRunWarnsNoSources: sources that match no file get a warning naming
// them and where they were set; matching ones (braces) get none.
func TestRunWarnsNoSources(t *testing.T) {
	tests := []struct {
		sources string
		warn    bool
	}{
		{`["**/*.rs"]`, true},
		{`["**/*.{go,mod}"]`, false},
	}
	for _, tt := range tests {
		config := strings.Replace(sourcesConfig, `["*.go"]`, tt.sources, 1)
		p := setup(t, map[string]string{".gazr.toml": config, "go.mod": "module x\n"})
		_, errOut, err := run(context.Background(), t, p, newFakeEngine(), nil, "style", 1, false)
		if err != nil {
			t.Fatal(err)
		}
		want := `gazr: warning: style: sources ["**/*.rs"] match no file (.gazr.toml:6)`
		if got := strings.Contains(errOut, "match no file"); got != tt.warn || tt.warn && !strings.Contains(errOut, want) {
			t.Errorf("sources %s: stderr:\n%s\nwant warning %v (%q)", tt.sources, errOut, tt.warn, want)
		}
	}
}

// Only the steps that start at once have their sources walked ahead: a
// step after another may see its sources changed by it.
func TestPrescanRootsOnly(t *testing.T) {
	conf := strings.ReplaceAll(testConfig, `run = "lint"`, "run = \"lint\"\nsources = [\"*.go\"]")
	conf = strings.ReplaceAll(conf, `run = "make"`, "run = \"make\"\nsources = [\"*.go\"]")
	p := setup(t, map[string]string{".gazr.toml": conf})
	pl, err := p.Plan("build", project.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for s := range prescan(pl, 2) {
		got[s.Verb] = true
	}
	if !got["style"] || len(got) != 1 {
		t.Errorf("prescanned with -j 2: %v; want style only (complexity has no sources, build has deps)", got)
	}
	if n := len(prescan(pl, 1)); n != 0 {
		t.Errorf("prescanned %d steps with -j 1; want none: complexity may run before style", n)
	}
}
