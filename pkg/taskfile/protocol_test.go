package taskfile

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// helperScript writes an executable helper whose --protocol runs body,
// and points HelperEnv at it.
func helperScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gazr-task")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(HelperEnv, p)
	t.Setenv("GAZR_CACHE_DIR", t.TempDir())
	return p
}

func TestFindHelperProtocol(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"same protocol", "echo " + strconv.Itoa(HelperProtocol), ""},
		{"newer helper", "echo 99", "speaks protocol 99, this gazr needs " + strconv.Itoa(HelperProtocol) + ": install the gazr-task of the same release"},
		{"helper older than the check", "echo 'unknown flag \"--protocol\"' >&2; exit 2", "answers no protocol (a release older than this gazr)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := helperScript(t, tt.body)
			_, err := FindHelper()
			var pe *ProtocolError
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("FindHelper: %v", err)
			case tt.want != "" && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "gazr-task at "+p+" "+tt.want)):
				t.Errorf("FindHelper: %v, want a ProtocolError with %q", err, tt.want)
			}
		})
	}
}

// TestFindHelperProtocolCached: a run that finds the helper three times
// executes it once.
func TestFindHelperProtocolCached(t *testing.T) {
	count := filepath.Join(t.TempDir(), "count")
	helperScript(t, "echo x >> "+count+"; echo "+strconv.Itoa(HelperProtocol))
	for range 3 {
		if _, err := FindHelper(); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(count); strings.Count(string(b), "x") != 1 {
		t.Errorf("the helper ran %d times, want 1", strings.Count(string(b), "x"))
	}
}

// TestFindHelperProtocolRemembered: the next run (a new process: the
// in-memory cache is empty) does not execute the helper again, until the
// helper file changes.
func TestFindHelperProtocolRemembered(t *testing.T) {
	count := filepath.Join(t.TempDir(), "count")
	p := helperScript(t, "echo x >> "+count+"; echo "+strconv.Itoa(HelperProtocol))
	runs := func() int {
		b, _ := os.ReadFile(count)
		return strings.Count(string(b), "x")
	}
	for range 3 {
		checked.Clear()
		if _, err := FindHelper(); err != nil {
			t.Fatal(err)
		}
	}
	if runs() != 1 {
		t.Fatalf("the helper ran %d times in 3 runs, want 1", runs())
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho x >> "+count+"; echo 99\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	checked.Clear()
	var pe *ProtocolError
	if _, err := FindHelper(); !errors.As(err, &pe) || runs() != 2 {
		t.Errorf("after replacing the helper: %v, %d runs; want a ProtocolError after asking it again", err, runs())
	}
}

// TestHelperProtocolMatchesHelper keeps gazr's number equal to the one
// gazr-task (a module of its own, which cannot import this one) answers.
func TestHelperProtocolMatchesHelper(t *testing.T) {
	src, err := os.ReadFile("../../cmd/gazr-task/protocol.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^const protocol = (\d+)$`).FindSubmatch(src)
	if m == nil || string(m[1]) != strconv.Itoa(HelperProtocol) {
		t.Errorf("cmd/gazr-task speaks protocol %s, pkg/taskfile.HelperProtocol is %d: change both together", m, HelperProtocol)
	}
}
