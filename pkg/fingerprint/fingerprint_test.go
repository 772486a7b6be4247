package fingerprint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// age moves a file's mtime into the past, as if it was written long
// before the fingerprint was taken.
func age(t testing.TB, root, rel string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(root, rel), old, old); err != nil {
		t.Fatal(err)
	}
}

func TestCheckRecord(t *testing.T) {
	root := t.TempDir()
	store := &Store{Dir: t.TempDir()}
	write(t, root, "go.mod", "module x\n")
	write(t, root, "main.go", "package main\n")
	write(t, root, "pkg/a/a.go", "package a\n")
	write(t, root, "README.md", "readme\n")
	in := Inputs{
		Root: root, Sources: []string{"**/*.go", "go.mod"}, Generates: []string{"bin/*"},
		Settings: map[string]string{"image": "go@sha256:1", "commands": "go build -o bin/app .", "env CGO_ENABLED": "0"},
	}
	check := func() *Verdict {
		t.Helper()
		v, err := store.Check("build", in)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	success := func() {
		t.Helper()
		v := check()
		write(t, root, "bin/app", "binary")
		if err := store.Record("build", in, v); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func()
		want   string // "" = skip
	}{
		{"first run", func() {}, "no success recorded yet"},
		{"unchanged", success, ""},
		{"a file outside the sources", func() { write(t, root, "README.md", "new readme\n") }, ""},
		{"a source changed", func() { write(t, root, "pkg/a/a.go", "package a // changed\n") }, "pkg/a/a.go changed"},
		{"recorded again", success, ""},
		{"a new source", func() { write(t, root, "pkg/b/b.go", "package b\n") }, "pkg/b/b.go is new"},
		{"a removed source", func() { success(); os.Remove(filepath.Join(root, "pkg/b/b.go")) }, "pkg/b/b.go was removed"},
		{"an env setting", func() { success(); in.Settings["env CGO_ENABLED"] = "1" }, "env CGO_ENABLED changed"},
		{"an added setting", func() { success(); in.Settings["env GOFLAGS"] = "-mod=mod" }, "env GOFLAGS was added"},
		{"the image digest", func() { success(); in.Settings["image"] = "go@sha256:2" }, "image changed"},
		{"a missing output", func() { success(); os.Remove(filepath.Join(root, "bin/app")) }, "output bin/app is missing"},
		{"a changed output", func() { success(); write(t, root, "bin/app", "tampered") }, "output bin/app changed"},
		{"touched but same content", func() { success(); write(t, root, "main.go", "package main\n") }, ""},
	}
	for _, st := range steps {
		st.change()
		v := check()
		if v.Skip != (st.want == "") || v.Reason != st.want {
			t.Errorf("%s: skip=%v reason=%q, want reason %q", st.name, v.Skip, v.Reason, st.want)
		}
	}
}

func TestManyChangesAreSummed(t *testing.T) {
	root := t.TempDir()
	store := &Store{Dir: t.TempDir()}
	in := Inputs{Root: root, Sources: []string{"*.txt"}}
	v, _ := store.Check("x", in)
	if err := store.Record("x", in, v); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		write(t, root, fmt.Sprintf("%d.txt", i), "x")
	}
	v, _ = store.Check("x", in)
	if want := "0.txt is new, 1.txt is new, 2.txt is new (and 2 more)"; v.Reason != want {
		t.Errorf("reason %q, want %q", v.Reason, want)
	}
}

// A file rewritten right after the snapshot, within the same mtime tick and
// with the same size, is still seen: recent files are read again.
func TestRacilyCleanFilesAreReadAgain(t *testing.T) {
	root := t.TempDir()
	store := &Store{Dir: t.TempDir()}
	write(t, root, "a.txt", "one")
	in := Inputs{Root: root, Sources: []string{"a.txt"}}
	v, _ := store.Check("x", in)
	if err := store.Record("x", in, v); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(root, "a.txt"))
	write(t, root, "a.txt", "two")
	os.Chtimes(filepath.Join(root, "a.txt"), fi.ModTime(), fi.ModTime())
	if v, _ := store.Check("x", in); v.Reason != "a.txt changed" {
		t.Errorf("reason %q, want a.txt changed", v.Reason)
	}
}

func TestStoreRoundTrip(t *testing.T) {
	store := &Store{Dir: t.TempDir()}
	in := &Record{
		Time:      time.Unix(0, 1700000000123456789),
		Settings:  map[string]string{"env A B": "h1", `quote"d`: "h2"},
		Sources:   Snapshot{"a b/c.go": {1, 2, 3, "ab"}, "new\nline": {4, 5, 6, "cd"}, `"q`: {7, 8, 9, "ef"}},
		Generates: Snapshot{"bin/x": {10, 0, 11, "01"}},
	}
	if err := store.Save("build", in); err != nil {
		t.Fatal(err)
	}
	got := store.Load("build")
	if got != nil {
		got.loadFiles()
	}
	if got == nil || !got.Time.Equal(in.Time) || fmt.Sprint(got.Settings) != fmt.Sprint(in.Settings) ||
		fmt.Sprint(got.Sources) != fmt.Sprint(in.Sources) || fmt.Sprint(got.Generates) != fmt.Sprint(in.Generates) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, in)
	}
	os.WriteFile(store.path("bad"), []byte("gazr-fingerprint 1\nsource 1 2\n"), 0o644)
	if store.Load("bad") != nil {
		t.Error("a corrupt record loads")
	}
	if store.Load("none") != nil {
		t.Error("a missing record loads")
	}
	if err := store.Forget("build"); err != nil || store.Load("build") != nil {
		t.Errorf("Forget: %v", err)
	}
}

func TestOpenUsesCacheDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(CacheDirEnv, dir)
	s, err := Open("/src/shop")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Dir, filepath.Join(dir, "fingerprints")+string(filepath.Separator)) {
		t.Errorf("dir %s not under %s", s.Dir, dir)
	}
	other, _ := Open("/src/other")
	if other.Dir == s.Dir {
		t.Error("two projects share a store")
	}
}

// BenchmarkCheckUnchanged10k is the skip path of `gazr test` on a
// repository of 10,000 source files: walk, stat, compare, read no file.
func BenchmarkCheckUnchanged10k(b *testing.B) {
	root := b.TempDir()
	for i := range 10000 {
		write(b, root, fmt.Sprintf("pkg/d%02d/s%02d/f%d.go", i%100, (i/100)%10, i), "package x\n")
	}
	for i := range 10000 {
		age(b, root, fmt.Sprintf("pkg/d%02d/s%02d/f%d.go", i%100, (i/100)%10, i))
	}
	store := &Store{Dir: b.TempDir()}
	in := Inputs{Root: root, Sources: []string{"**/*.go"}, Settings: map[string]string{"commands": "go test ./..."}}
	v, _ := store.Check("test-unit", in)
	if err := store.Record("test-unit", in, v); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		v, err := store.Check("test-unit", in)
		if err != nil || !v.Skip {
			b.Fatalf("not skipped: %v %v", err, v.Reason)
		}
	}
}

// Files too recent to vouch for at the last success are compared by
// content once, then their stats are recorded: the check after that reads
// no file (its record says so).
func TestRecentFilesAreVouchedForOnceOld(t *testing.T) {
	root := t.TempDir()
	store := &Store{Dir: t.TempDir()}
	write(t, root, "a.txt", "one")
	in := Inputs{Root: root, Sources: []string{"*.txt"}}
	v, _ := store.Check("x", in)
	if err := store.Record("x", in, v); err != nil {
		t.Fatal(err)
	}
	if r := store.Load("x"); r.SourcesStat != "" {
		t.Fatalf("a file written just now is vouched for by its stats")
	}
	age(t, root, "a.txt")
	if v, _ := store.Check("x", in); !v.Skip {
		t.Fatalf("not skipped: %s", v.Reason)
	}
	r := store.Load("x")
	if err := r.loadFiles(); err != nil {
		t.Fatal(err)
	}
	if r.SourcesStat == "" || r.Sources["a.txt"].MTime == 0 {
		t.Errorf("stats not refreshed: %+v", r)
	}
	if v, _ := store.Check("x", in); !v.Skip {
		t.Errorf("not skipped after the refresh: %s", v.Reason)
	}
}

// TestNoSources: a sources list that matches nothing is reported, so that
// the caller can warn; braces match (they once matched nothing).
func TestNoSources(t *testing.T) {
	root := t.TempDir()
	write(t, root, "go.mod", "module x\n")
	write(t, root, "pkg/a.go", "package a\n")
	tests := []struct {
		sources []string
		want    bool
	}{
		{[]string{"**/*.{go,mod}"}, false},
		{[]string{"**/*.rs"}, true},
		{[]string{"**/*.rs", "go.mod"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		v, err := (&Store{Dir: t.TempDir()}).Check("build", Inputs{Root: root, Sources: tt.sources})
		if err != nil {
			t.Fatal(err)
		}
		if v.NoSources != tt.want {
			t.Errorf("sources %q: NoSources = %v, want %v", tt.sources, v.NoSources, tt.want)
		}
	}
}
