package plan_test

import (
	"reflect"
	"testing"

	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/plan"
)

// taskConv is a Taskfile-like convention: verbs run by the gazr-task helper.
func taskConv() *convention.Convention {
	return &convention.Convention{
		Name: "taskfile", Image: "debian:12", ImageOrigin: "convention taskfile", Taskfile: true,
		Verbs: map[string]convention.Verb{
			"test": {Run: []string{convention.TaskCommand("test")}, Task: "test", Origin: "Taskfile.yml:3"},
			"lint": {Run: []string{convention.TaskCommand("lint")}, Task: "lint", Origin: "Taskfile.yml:7"},
		},
		Extra: []string{"lint"},
	}
}

func TestResolveTask(t *testing.T) {
	helper := plan.Mount{Source: "/opt/gazr/gazr-task", Target: "/gazr/bin/gazr-task", Origin: "gazr-task helper", ReadOnly: true}
	root := plan.Mount{Source: "/src/app", Target: "/src/app", Origin: "project root"}
	tests := []struct {
		name, cfg, verb string
		wantCmds        []string
		wantOrigin      string
		wantMounts      []plan.Mount
	}{
		{"a verb task", "", "test", []string{"/gazr/bin/gazr-task test --"}, "Taskfile.yml:3", []plan.Mount{root, helper}},
		{"an extra task", "", "lint", []string{"/gazr/bin/gazr-task lint --"}, "Taskfile.yml:7", []plan.Mount{root, helper}},
		{"the config changes the image only", "[verbs.test]\nimage = \"alpine\"\n", "test",
			[]string{"/gazr/bin/gazr-task test --"}, "Taskfile.yml:3", []plan.Mount{root, helper}},
		{"the config overrides the task", "[verbs.test]\nimage = \"alpine\"\nrun = \"make check\"\n", "test",
			[]string{"make check"}, ".gazr.toml:3", []plan.Mount{root}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Resolve(parse(t, tt.cfg), taskConv(), tt.verb, plan.Options{TaskHelper: helper.Source})
			if err != nil {
				t.Fatal(err)
			}
			s := p.Steps[0]
			if !reflect.DeepEqual(s.Commands, tt.wantCmds) || s.CommandsOrigin != tt.wantOrigin {
				t.Errorf("Commands = %q (%s), want %q (%s)", s.Commands, s.CommandsOrigin, tt.wantCmds, tt.wantOrigin)
			}
			if !reflect.DeepEqual(s.Mounts, tt.wantMounts) {
				t.Errorf("Mounts = %+v, want %+v", s.Mounts, tt.wantMounts)
			}
		})
	}
}

// TestResolveTaskArgs checks that arguments after `gazr test --` land
// after the helper's "--", where go-task reads them as CLI_ARGS.
func TestResolveTaskArgs(t *testing.T) {
	p, err := plan.Resolve(parse(t, ""), taskConv(), "test", plan.Options{Args: []string{"-run", "a b"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sh", "-c", `/gazr/bin/gazr-task test -- "$@"`, "gazr", "-run", "a b"}
	if got := p.Steps[0].Cmd(); !reflect.DeepEqual(got, want) {
		t.Errorf("Cmd = %q, want %q", got, want)
	}
}
