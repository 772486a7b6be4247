package convention

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// A remembered walk answers as a new one would after each change.
func TestEvidenceFollowsChanges(t *testing.T) {
	root, cache := t.TempDir(), t.TempDir()
	RememberEvidenceIn(cache)
	t.Cleanup(func() { RememberEvidenceIn("") })
	ws := []*When{{Files: []string{"*_test.go"}, Pattern: regexp.MustCompile(`(?m)^//go:build integration`)}}
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	age := 0
	backdate := func() { // older than a second: remembered
		age++
		old := time.Now().Add(-time.Duration(age) * time.Hour)
		filepath.Walk(root, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	}
	check := func(step string, want bool) {
		t.Helper()
		for range 2 { // a walk, then a recall
			if got := filesMatch(root, ws)[0]; got != want {
				t.Fatalf("%s: found = %v, want %v", step, got, want)
			}
		}
	}
	write("a/x_test.go", "package a\n")
	backdate()
	check("untagged", false)
	entries0, _ := os.ReadDir(filepath.Join(cache, "conventions"))
	if len(entries0) != 1 {
		t.Fatalf("no evidence remembered: %v", entries0)
	}
	for _, bad := range []string{"", "1\n", "1\nnot a line\n", "11\n"} { // an unreadable record is no record
		if err := os.WriteFile(filepath.Join(cache, "conventions", entries0[0].Name()), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		check("corrupt record", false)
	}
	write("a/x_test.go", "//go:build integration\npackage a\n")
	check("tagged now", true)
	backdate()
	check("tagged", true)
	write("a/x_test.go", "package b\n")
	backdate()
	check("untagged again", false)
	write("b/c/y_test.go", "//go:build integration\npackage c\n")
	check("new tagged file in a new directory", true)
	backdate()
	check("new tagged file, aged", true)
	if err := os.Remove(filepath.Join(root, "b/c/y_test.go")); err != nil {
		t.Fatal(err)
	}
	check("removed", false)
	write(".hidden/z_test.go", "//go:build integration\npackage z\n")
	backdate()
	check("in a hidden directory", false)
}
