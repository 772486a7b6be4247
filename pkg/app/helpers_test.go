package app

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// writeProject writes files (path → content) into a new temporary
// directory and returns it.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loader is the Project dependency of a command, loading from dir as
// `gazr -C dir` does.
func loader(dir string) func() (*Project, error) {
	return (&Factory{Dir: dir}).LoadProject
}

// noProject is a Project dependency that must not be used.
func noProject(t *testing.T) func() (*Project, error) {
	return func() (*Project, error) {
		t.Error("Project called")
		return nil, os.ErrInvalid
	}
}

var cellSep = regexp.MustCompile(`\s{2,}`)

// rows splits tabwriter output into lines of cells (columns are separated
// by at least two spaces); blank lines are dropped.
func rows(out string) [][]string {
	var rs [][]string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		rs = append(rs, cellSep.Split(line, -1))
	}
	return rs
}

// quiet makes convention images independent of the environment.
func quiet(t *testing.T) {
	t.Setenv("GAZR_IMAGE_GO", "test/golang:x")
}
