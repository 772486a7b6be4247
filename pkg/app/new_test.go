package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/iostreams"
)

func TestNewList(t *testing.T) {
	err, out, errOut := run(t, "new", "--list")
	if err != nil || errOut != "" {
		t.Fatalf("gazr new --list: %v, stderr %q", err, errOut)
	}
	got := rows(out)
	if len(got) != 4 || got[0][0] != "TEMPLATE" || got[1][0] != "go-http" || !strings.Contains(got[1][1], "(alias: go)") {
		t.Errorf("gazr new --list =\n%s", out)
	}
}

func TestNew(t *testing.T) {
	dir := t.TempDir()
	err, out, errOut := run(t, "-C", dir, "new", "go", "shop")
	if err != nil {
		t.Fatalf("gazr new go shop: %v", err)
	}
	if out != "" || !strings.Contains(errOut, `created shop from template go-http (15 files, project "shop")`) {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "shop", ".gazr.toml")); err != nil {
		t.Error(err)
	}
}

func TestNewBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "taken"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"new", "pyhton", "app"}, `gazr: unknown template "pyhton"; did you mean "python"? (known: go-http, node-http, python-http; see gazr new --list)`},
		{[]string{"new"}, "gazr: gazr new needs a template and a directory: gazr new <template> <dir> (templates: go-http, node-http, python-http)"},
		{[]string{"new", "go"}, "gazr: gazr new go needs a directory to create: gazr new go <dir>"},
		{[]string{"new", "go", "a", "b"}, "gazr: gazr new takes a template and a directory, got 3 arguments"},
		{[]string{"new", "--list", "go"}, `gazr: gazr new --list takes no arguments (got "go")`},
		{[]string{"new", "go", "taken"}, `gazr: target "` + filepath.Join(dir, "taken") + `" exists and is not a directory`},
		{[]string{"new", "--module", "bad path", "go", "app"}, `gazr: invalid Go module path "bad path"`},
		{[]string{"new", "--modul", "x", "go", "app"}, "gazr: flag provided but not defined: -modul"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, errOut := iostreams.Test()
			code := exitCode(io, Run(t.Context(), io, append([]string{"gazr", "-C", dir}, tt.args...)), nil)
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d", code, ExitUsage)
			}
			if got := errOut.String(); !strings.HasPrefix(got, tt.want) || strings.Count(got, "\n") != 1 {
				t.Errorf("stderr = %q, want one line starting with %q", got, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "app")); err == nil {
				t.Errorf("app was created")
			}
		})
	}
}
