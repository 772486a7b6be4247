package app

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// describedConfig describes one verb and leaves another undescribed.
const describedConfig = `image = "alpine"
convention = "none"

[verbs.build]
description = "compile the shop"
run = "make"

[verbs.test-unit]
run = "go test ./..."
`

func TestListDescriptions(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": describedConfig})
	err, out, _ := run(t, "-C", dir, "list")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"VERB", "DESCRIPTION", "RUNS", "IMAGE", "FROM"},
		{"test", "test-unit", "-", "group"}, // no description: an empty cell
		{"test-unit", "go test ./...", "alpine", ".gazr.toml:9"},
		{"build", "compile the shop", "make", "alpine", ".gazr.toml:6"},
	}
	if got := rows(out); !reflect.DeepEqual(got, want) {
		t.Errorf("list =\n%s\nrows %q\nwant %q", out, got, want)
	}
}

func TestRootHelpDescribesTheProject(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  []string // lines, spaces squeezed
		not   []string
	}{
		{"config description", map[string]string{".gazr.toml": describedConfig}, []string{"--help"},
			[]string{"build compile the shop", "test-unit run unit tests"}, []string{"build build the application"}},
		{"taskfile desc and extra tasks", map[string]string{"Taskfile.yml": shopTaskfile}, []string{"--help"},
			[]string{"test unit tests", "project verbs:", "lint linters"}, []string{"gazr-task", "\ngen"}},
		{"help command", map[string]string{"Taskfile.yml": shopTaskfile}, []string{"help"},
			[]string{"lint linters"}, nil},
		{"no project: gazr's words", map[string]string{}, []string{"--help"},
			[]string{"build build the application"}, []string{"project verbs:"}},
		{"broken config still prints help", map[string]string{".gazr.toml": "image = \n"}, []string{"--help"},
			[]string{"build build the application"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, tt.files)
			err, out, _ := run(t, append([]string{"-C", dir}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			lines := squeezed(out)
			for _, w := range tt.want {
				if !strings.Contains(lines, "\n"+w+"\n") {
					t.Errorf("help lacks the line %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(lines, w) {
					t.Errorf("help shows %q:\n%s", w, out)
				}
			}
		})
	}
}

// squeezed is out with each line trimmed and its runs of spaces made one.
func squeezed(out string) string {
	var b strings.Builder
	b.WriteString("\n")
	for _, l := range strings.Split(out, "\n") {
		b.WriteString(strings.Join(strings.Fields(l), " ") + "\n")
	}
	return b.String()
}

func TestHelpCommand(t *testing.T) {
	dir := writeProject(t, map[string]string{"Taskfile.yml": shopTaskfile})
	tests := []struct {
		args    []string
		want    string
		wantErr string
	}{
		{[]string{"help", "deploy"}, "gazr deploy - build, push and roll", ""},
		{[]string{"help", "test"}, "gazr test - unit tests", ""},
		{[]string{"help", "lint"}, "gazr lint - linters", ""},
		{[]string{"lint", "--help"}, "--force, -f", ""},
		{[]string{"help", "lnit"}, "", `unknown verb or command "lnit"; did you mean "lint"?`},
		{[]string{"help", "a", "b"}, "", "gazr help takes one command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			err, out, _ := run(t, append([]string{"-C", dir}, tt.args...)...)
			if tt.wantErr != "" {
				var usage *UsageError
				if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a usage error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(squeezed(out), tt.want) {
				t.Errorf("err = %v, out:\n%s\nwant %q", err, out, tt.want)
			}
		})
	}
}

// TestProjectVerbFlags: a Taskfile task takes the flags of gazr's verbs.
func TestProjectVerbFlags(t *testing.T) {
	dir := writeProject(t, map[string]string{"Taskfile.yml": shopTaskfile})
	for _, args := range [][]string{{"-n"}, {"--dry-run", "--force"}, {"-n", "-j", "2"}, {"--dry-run", "--jobs=3", "-f"}} {
		err, out, _ := run(t, append([]string{"-C", dir, "lint"}, args...)...)
		if err != nil || !strings.Contains(out, "/gazr/bin/gazr-task lint --") {
			t.Errorf("gazr lint %s: err = %v, out:\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, tt := range []struct{ args []string }{{[]string{"-j", "0"}}, {[]string{"--bogus"}}} {
		err, _, _ := run(t, append([]string{"-C", dir, "lint"}, tt.args...)...)
		var usage *UsageError
		if !errors.As(err, &usage) {
			t.Errorf("gazr lint %s: err = %v, want a usage error", strings.Join(tt.args, " "), err)
		}
	}
}
