package app

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/project"
	"github.com/gazr-io/gazr/pkg/taskfile"
)

const shopTaskfile = `version: '3'
tasks:
  test:
    desc: unit tests
    cmds: [go test ./...]
  lint:
    desc: linters
    cmds: [golangci-lint run]
  gen:
    internal: true
  list: echo hidden by gazr list
`

// helperAt is a TaskHelper dependency finding the helper at path.
func helperAt(path string) func() (string, error) {
	return func() (string, error) { return path, nil }
}

func noHelper() (string, error) {
	return "", &taskfile.HelperError{Looked: []string{"/opt/gazr/gazr-task"}}
}

func TestListTaskfile(t *testing.T) {
	t.Setenv("GAZR_IMAGE_TASKFILE", "test/debian:x")
	dir := writeProject(t, map[string]string{"Taskfile.yml": shopTaskfile})
	io, out, _ := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir), Commands: []string{"list"}}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"VERB", "DESCRIPTION", "RUNS", "IMAGE", "FROM"},
		{"test", "unit tests", "task test", "test/debian:x", "Taskfile.yml:3"},
		{"lint", "linters", "task lint", "test/debian:x", "Taskfile.yml:6"},
	}
	var got [][]string
	for _, r := range rows(out.String()) {
		if !strings.HasPrefix(r[len(r)-1], "not defined: ") {
			got = append(got, r)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("list =\n%s\nrows %q\nwant %q", out, got, want)
	}
}

func TestRunProjectVerb(t *testing.T) {
	dir := writeProject(t, map[string]string{"Taskfile.yml": shopTaskfile})
	t.Run("dry run of an extra task", func(t *testing.T) {
		err, out, _ := run(t, "-C", dir, "lint", "--dry-run")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"/gazr/bin/gazr-task lint --", "Taskfile.yml:6", "-> /gazr/bin/gazr-task (bind, ro)", "gazr-task helper"} {
			if !strings.Contains(out, want) {
				t.Errorf("gazr lint --dry-run does not show %q:\n%s", want, out)
			}
		}
	})
	t.Run("unknown name suggests a task", func(t *testing.T) {
		err, _, _ := run(t, "-C", dir, "lintt")
		var usage *UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), `did you mean "lint"?`) {
			t.Errorf("gazr lintt: %v", err)
		}
	})
	t.Run("internal tasks are not verbs", func(t *testing.T) {
		err, _, _ := run(t, "-C", dir, "gen")
		if err == nil || !strings.Contains(err.Error(), `unknown verb or command "gen"`) {
			t.Errorf("gazr gen: %v", err)
		}
	})
	t.Run("an argument without --", func(t *testing.T) {
		err, _, _ := run(t, "-C", dir, "lint", "./...")
		if err == nil || !strings.Contains(err.Error(), "gazr lint -- ./...") {
			t.Errorf("gazr lint ./...: %v", err)
		}
	})
}

func TestRunTaskHelper(t *testing.T) {
	dir := writeProject(t, map[string]string{"Taskfile.yml": shopTaskfile})
	t.Run("missing helper fails a run before the engine", func(t *testing.T) {
		io, _, _ := iostreams.Test()
		err := runVerb(context.Background(), &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), TaskHelper: noHelper, Verb: "test"})
		var he *taskfile.HelperError
		if !errors.As(err, &he) || !strings.Contains(err.Error(), "/opt/gazr/gazr-task") {
			t.Errorf("err = %v, want the helper error saying where gazr looked", err)
		}
	})
	t.Run("missing helper: a dry run shows it", func(t *testing.T) {
		io, out, _ := iostreams.Test()
		err := runVerb(context.Background(), &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), TaskHelper: noHelper, Verb: "test", DryRun: true})
		if err != nil || !strings.Contains(out.String(), "(not found) -> /gazr/bin/gazr-task") {
			t.Errorf("err = %v, out:\n%s", err, out)
		}
	})
	t.Run("explain mounts the helper found", func(t *testing.T) {
		io, out, _ := iostreams.Test()
		err := runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), TaskHelper: helperAt("/opt/gazr/gazr-task"), Verb: "lint", Args: []string{"-v"}})
		if err != nil {
			t.Fatal(err)
		}
		if !containsRow(rows(out.String()), []string{"mount", "/opt/gazr/gazr-task -> /gazr/bin/gazr-task (bind, ro)", "gazr-task helper"}) {
			t.Errorf("explain lint:\n%s", out)
		}
	})
	t.Run("a verb the config overrides needs no helper", func(t *testing.T) {
		dir := writeProject(t, map[string]string{"Taskfile.yml": shopTaskfile, ".gazr.toml": "image = \"alpine\"\n[verbs.test]\nrun = \"true\"\n"})
		pl, err := mustLoad(t, dir).Plan("test", project.PlanOptions{FindHelper: noHelper, NeedHelper: true})
		if err != nil || project.UsesHelper(pl) {
			t.Errorf("Plan = %v, uses helper %v; want the config's command alone", err, pl != nil && project.UsesHelper(pl))
		}
	})
}

func TestBrokenTaskfile(t *testing.T) {
	dir := writeProject(t, map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  lint: [\n"})
	for _, args := range [][]string{{"lint"}, {"test"}, {"list"}} {
		err, _, _ := run(t, append([]string{"-C", dir}, args...)...)
		var ce *config.Error
		if !errors.As(err, &ce) || !strings.HasSuffix(ce.Path, "Taskfile.yml") || ce.Pos.Line != 4 {
			t.Errorf("gazr %s: err = %v, want a config error at Taskfile.yml:4", args[0], err)
		}
		if code := exitCode(iostreamsDiscard(), err, nil); code != ExitUsage {
			t.Errorf("gazr %s: exit code %d, want %d", args[0], code, ExitUsage)
		}
	}
}

func TestConventionForcedMake(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"Taskfile.yml": shopTaskfile, "Makefile": "test:\n\techo make\n",
		".gazr.toml": "convention = \"make\"\n",
	})
	p := mustLoad(t, dir)
	if p.Convention.Name != "make" || p.Convention.Verbs["test"].Run[0] != "make test" {
		t.Errorf("convention = %+v, want the Makefile's", p.Convention)
	}
}

func mustLoad(t *testing.T, dir string) *Project {
	t.Helper()
	p, err := loader(dir)()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnknownVerbBrokenConfigHint(t *testing.T) {
	// [verbs.slow] is rejected, so `gazr slow` is an unknown command; the
	// line says why the file that meant to define it does not load.
	dir := writeProject(t, map[string]string{".gazr.toml": "image = \"x\"\n[verbs.slow]\nrun = \"sleep 1\"\n"})
	err, _, _ := run(t, "-C", dir, "slow")
	var usage *UsageError
	if !errors.As(err, &usage) {
		t.Fatalf("gazr slow: %v, want a usage error", err)
	}
	msg := err.Error()
	for _, want := range []string{`unknown verb or command "slow"`, "(.gazr.toml does not load: ", `.gazr.toml:2:8: unknown verb "slow"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("gazr slow: %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("gazr slow: not one line: %q", msg)
	}
}
