package image

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestContextEntries(t *testing.T) {
	dir := t.TempDir()
	makeTree(t, dir, "Dockerfile", "bin/run.sh", "data/", "link -> bin/run.sh", "abs -> /etc/passwd")
	if err := os.Chmod(filepath.Join(dir, "bin/run.sh"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	rc, err := Context(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	names, hdrs, data := readTar(t, rc)
	want := []string{"Dockerfile", "abs", "bin/", "bin/run.sh", "data/", "link"}
	if !slices.Equal(names, want) {
		t.Fatalf("entries %q, want %q", names, want)
	}
	checks := []struct {
		name     string
		typ      byte
		mode     int64
		linkname string
	}{
		{"bin/run.sh", tar.TypeReg, 0o750, ""},
		{"data/", tar.TypeDir, 0o700, ""},
		{"link", tar.TypeSymlink, 0o777, "bin/run.sh"},
		{"abs", tar.TypeSymlink, 0o777, "/etc/passwd"},
	}
	for _, c := range checks {
		h := hdrs[c.name]
		if h.Typeflag != c.typ || h.Mode&0o7777 != c.mode || h.Linkname != c.linkname {
			t.Errorf("%s: type %c mode %o link %q; want %c %o %q", c.name, h.Typeflag, h.Mode, h.Linkname, c.typ, c.mode, c.linkname)
		}
	}
	for name, h := range hdrs {
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d:%d (%q:%q), want 0:0 without names", name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		if h.ModTime.IsZero() {
			t.Errorf("%s: no modification time", name)
		}
	}
	if data["bin/run.sh"] != "bin/run.sh" {
		t.Errorf("bin/run.sh content %q", data["bin/run.sh"])
	}
}

func TestContextErrors(t *testing.T) {
	tests := []struct {
		name       string
		tree       []string
		ignore     string
		dockerfile string
		wantErr    string
	}{
		{name: "missing Dockerfile", tree: []string{"main.go"}, wantErr: "no such file"},
		{name: "Dockerfile above the context", tree: []string{"Dockerfile"}, dockerfile: "../Dockerfile", wantErr: "outside the build context"},
		{name: "absolute Dockerfile elsewhere", tree: []string{"Dockerfile"}, dockerfile: "/etc/hostname", wantErr: "outside the build context"},
		{name: "Dockerfile is a directory", tree: []string{"Dockerfile/"}, wantErr: "not a regular file"},
		{name: "lone exclamation mark", tree: []string{"Dockerfile"}, ignore: "!\n", wantErr: `illegal exclusion pattern`},
		{name: "malformed pattern", tree: []string{"Dockerfile"}, ignore: "a[\n", wantErr: "syntax error in pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			makeTree(t, dir, tt.tree...)
			if tt.ignore != "" {
				if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(tt.ignore), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rc, err := Context(dir, tt.dockerfile)
			if err == nil {
				rc.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Context() error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestContextAbsoluteDockerfileInside(t *testing.T) {
	dir := t.TempDir()
	makeTree(t, dir, "ci/Dockerfile")
	rc, err := Context(dir, filepath.Join(dir, "ci/Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if names, _, _ := readTar(t, rc); !slices.Equal(names, []string{"ci/", "ci/Dockerfile"}) {
		t.Fatalf("entries %q", names)
	}
}

func TestContextSymlinkedDir(t *testing.T) {
	dir := t.TempDir()
	makeTree(t, dir, "real/Dockerfile", "real/main.go", "ctx -> real")
	for _, dockerfile := range []string{"", filepath.Join(dir, "ctx", "Dockerfile")} {
		rc, err := Context(filepath.Join(dir, "ctx"), dockerfile)
		if err != nil {
			t.Fatal(err)
		}
		names, _, _ := readTar(t, rc)
		rc.Close()
		if !slices.Equal(names, []string{"Dockerfile", "main.go"}) {
			t.Fatalf("Dockerfile %q: entries %q", dockerfile, names)
		}
	}
}

// TestContextStreams checks that the archive is produced as it is read:
// closing the reader early stops the writer instead of blocking it.
func TestContextStreams(t *testing.T) {
	dir := t.TempDir()
	makeTree(t, dir, "Dockerfile")
	big := make([]byte, 8<<20)
	if err := os.WriteFile(filepath.Join(dir, "big"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	rc, err := Context(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rc.(*io.PipeReader); !ok {
		t.Fatalf("Context returned a %T, want a pipe", rc)
	}
	if _, err := io.ReadFull(rc, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if _, err := rc.Read(make([]byte, 1)); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("read after close: %v", err)
	}
}

func TestContextUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	makeTree(t, dir, "Dockerfile", "secret")
	if err := os.Chmod(filepath.Join(dir, "secret"), 0); err != nil {
		t.Fatal(err)
	}
	rc, err := Context(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.Copy(io.Discard, rc); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("reading the context: %v, want permission denied", err)
	}
}
