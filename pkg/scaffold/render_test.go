package scaffold

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// catalogOf is a catalog of one template "t" holding files.
func catalogOf(t *testing.T, files fstest.MapFS) *Catalog {
	t.Helper()
	fsys := fstest.MapFS{IndexFile: {Data: []byte("[t]\ndescription = \"test\"\n")}}
	for p, f := range files {
		fsys["t/"+p] = f
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRenderGolden renders go-http for a project "shop" and compares the
// files, as a txtar archive, with testdata/go-http.golden (go test
// -update rewrites it).
func TestRenderGolden(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := c.Lookup("go-http")
	if err != nil {
		t.Fatal(err)
	}
	files, err := tmpl.Render(Data{Name: "shop", Module: "example.com/shop", Template: "go-http", GazrVersion: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	ar := &txtar.Archive{Comment: []byte("gazr new go-http shop: the rendered files\n")}
	for _, f := range files {
		ar.Files = append(ar.Files, txtar.File{Name: f.Path, Data: f.Content})
	}
	got := txtar.Format(ar)
	golden := filepath.Join("testdata", "go-http.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("rendered go-http differs from %s (go test -update rewrites it):\n%s", golden, firstDiff(string(got), string(want)))
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

func TestRenderRules(t *testing.T) {
	c := catalogOf(t, fstest.MapFS{
		"plain.yaml":     {Data: []byte("a: {{ .NotTemplated }}\n")},
		"name.txt.tmpl":  {Data: []byte("{{.Name}} {{.Module}} {{.Template}}\n")},
		"bin/script":     {Data: []byte("#!/bin/sh\necho hi\n")},
		"bin/exec-bit":   {Data: []byte("x"), Mode: 0o755},
		"dir/sub/f.tmpl": {Data: []byte("x")},
	})
	files, err := c.Templates[0].Render(Data{Name: "shop", Module: "example.com/shop", Template: "t"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]File{}
	for _, f := range files {
		got[f.Path] = f
	}
	want := map[string]struct {
		content string
		mode    fs.FileMode
	}{
		"plain.yaml":   {"a: {{ .NotTemplated }}\n", 0o644},
		"name.txt":     {"shop example.com/shop t\n", 0o644},
		"bin/script":   {"#!/bin/sh\necho hi\n", 0o755},
		"bin/exec-bit": {"x", 0o755},
		"dir/sub/f":    {"x", 0o644},
	}
	if len(got) != len(want) {
		t.Errorf("rendered %d files, want %d: %v", len(got), len(want), files)
	}
	for p, w := range want {
		f, ok := got[p]
		if !ok {
			t.Errorf("no file %s", p)
			continue
		}
		if string(f.Content) != w.content || f.Mode != w.mode {
			t.Errorf("%s = %q %v, want %q %v", p, f.Content, f.Mode, w.content, w.mode)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"symlink", fstest.MapFS{"link": {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink}}, "template t: link is a symlink: templates hold regular files and directories only"},
		{"duplicate", fstest.MapFS{"a": {}, "a.tmpl": {}}, "template t: a and a.tmpl both write a"},
		{"suffix alone", fstest.MapFS{"d/.tmpl": {}}, `invalid path "d/"`},
		{"parse", fstest.MapFS{"x.tmpl": {Data: []byte("ok\n{{.Name")}}, "x.tmpl:2: unclosed action"},
		{"unknown field", fstest.MapFS{"x.tmpl": {Data: []byte("{{.Nmae}}")}}, `x.tmpl:1:2: executing "x.tmpl" at <.Nmae>: can't evaluate field Nmae`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalogOf(t, tt.files).Templates[0].Render(Data{Name: "n"})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Render() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"a", true},
		{"a/b/c.txt", true},
		{".gazr.toml", true},
		{"..a", true},
		{"", false},
		{".", false},
		{"..", false},
		{"../x", false},
		{"a/../b", false},
		{"a/./b", false},
		{"/etc/passwd", false},
		{"a//b", false},
		{"a/", false},
		{`a\b`, false},
		{`..\x`, false},
	}
	for _, tt := range tests {
		if err := checkPath(tt.path); (err == nil) != tt.ok {
			t.Errorf("checkPath(%q) = %v, want ok %v", tt.path, err, tt.ok)
		}
	}
}
