package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entries lists dir's names ("" when it does not exist).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestNewValidation(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, root string) // prepares root before New
		opts    Options                         // Dir is relative to root
		wantErr string
	}{
		{"unknown template", nil, Options{Template: "pyhton", Dir: "app"}, `unknown template "pyhton"; did you mean "python"?`},
		{"no directory", nil, Options{Template: "go", Dir: ""}, "no target directory given"},
		{"blank directory", nil, Options{Template: "go", Dir: "  "}, "no target directory given"},
		{"not empty", func(t *testing.T, root string) { mkfile(t, filepath.Join(root, "app", "main.go")) },
			Options{Template: "go", Dir: "app"}, "is not empty: gazr new writes only into a new or empty directory, and never overwrites"},
		{"hidden file counts", func(t *testing.T, root string) { mkfile(t, filepath.Join(root, "app", ".git")) },
			Options{Template: "go", Dir: "app"}, "is not empty"},
		{"a file", func(t *testing.T, root string) { mkfile(t, filepath.Join(root, "app")) },
			Options{Template: "go", Dir: "app"}, "exists and is not a directory"},
		{"missing parent", nil, Options{Template: "go", Dir: "a/b/app"}, "its parent"},
		{"parent is a file", func(t *testing.T, root string) { mkfile(t, filepath.Join(root, "a")) },
			Options{Template: "go", Dir: "a/app"}, "is not a directory"},
		{"dangling symlink", func(t *testing.T, root string) {
			if err := os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, "app")); err != nil {
				t.Fatal(err)
			}
		}, Options{Template: "go", Dir: "app"}, "is a symlink to nothing"},
		{"dot-dot into a non-empty dir", func(t *testing.T, root string) { mkfile(t, filepath.Join(root, "sub", "x")) },
			Options{Template: "go", Dir: "sub/.."}, "is not empty"},
		{"bad module", nil, Options{Template: "go", Dir: "app", Module: "Not A Path"}, `invalid Go module path "Not A Path"`},
		{"module with ..", nil, Options{Template: "go", Dir: "app", Module: "example.com/../x"}, `invalid Go module path`},
		{"space in the name", nil, Options{Template: "go", Dir: "my app"}, `cannot name a project`},
		{"name starting with a dash", nil, Options{Template: "node", Dir: "-x"}, `cannot name a project`},
		{"module for python", nil, Options{Template: "python", Dir: "app", Module: "github.com/acme/api"}, `--module is for Go templates: template python-http`},
		{"module for node", nil, Options{Template: "node", Dir: "app", Module: "github.com/acme/api"}, `--module is for Go templates: template node-http`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, root)
			}
			before := entries(t, root)
			opts := tt.opts
			if strings.TrimSpace(opts.Dir) != "" {
				opts.Dir = filepath.Join(root, opts.Dir)
			}
			_, err := c.New(opts)
			var in *InputError
			if !errors.As(err, &in) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New() error = %v, want an InputError containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			if after := entries(t, root); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("New wrote something: %v, then %v", before, after)
			}
		})
	}
}

func mkfile(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNewWrites(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	res, err := c.New(Options{Template: "go", Dir: filepath.Join(root, "My.Shop")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Data.Name != "my-shop" || res.Data.Module != "example.com/my-shop" || res.Template.Name != "go-http" {
		t.Errorf("Data = %+v, template %s; want my-shop, example.com/my-shop, go-http", res.Data, res.Template.Name)
	}
	if got := entries(t, root); strings.Join(got, ",") != "My.Shop" {
		t.Errorf("root holds %v, want only My.Shop (no staging directory left)", got)
	}
	for _, f := range res.Files {
		data, err := os.ReadFile(filepath.Join(res.Dir, f.Path))
		if err != nil || string(data) != string(f.Content) {
			t.Errorf("%s: %v, content differs: %v", f.Path, err, string(data) != string(f.Content))
		}
	}
	mod, _ := os.ReadFile(filepath.Join(res.Dir, "go.mod"))
	if !strings.HasPrefix(string(mod), "module example.com/my-shop\n") {
		t.Errorf("go.mod = %q", mod)
	}
	// A second time: the directory is no longer empty.
	_, err = c.New(Options{Template: "go", Dir: filepath.Join(root, "My.Shop")})
	var in *InputError
	if !errors.As(err, &in) {
		t.Errorf("second New() = %v, want an InputError", err)
	}
}

func TestNewIntoEmptyDir(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "api")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	res, err := c.New(Options{Template: "python", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the existing directory's mode changed: %v %v", fi.Mode(), err)
	}
	got := entries(t, dir)
	for _, name := range got {
		if strings.Contains(name, "gazr-new") {
			t.Errorf("staging directory %s left in %s", name, dir)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "app", "server.py")); err != nil || res.Data.Name != "api" {
		t.Errorf("app/server.py: %v; name %q", err, res.Data.Name)
	}
}

// TestWriteFailureLeavesNothing makes the last file fail to write (its
// parent is a file) and checks that nothing created stays.
func TestWriteFailureLeavesNothing(t *testing.T) {
	files := []File{
		{Path: "a/one", Mode: 0o644, Content: []byte("1")},
		{Path: "b", Mode: 0o644, Content: []byte("2")},
		{Path: "b/c", Mode: 0o644, Content: []byte("3")},
	}
	t.Run("new directory", func(t *testing.T) {
		root := t.TempDir()
		tgt, err := checkTarget(filepath.Join(root, "app"))
		if err != nil {
			t.Fatal(err)
		}
		if err := write(tgt, files); err == nil {
			t.Fatal("write succeeded, want an error")
		}
		if got := entries(t, root); len(got) != 0 {
			t.Errorf("left behind: %v", got)
		}
	})
	t.Run("empty directory", func(t *testing.T) {
		dir := t.TempDir()
		tgt, err := checkTarget(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := write(tgt, files); err == nil {
			t.Fatal("write succeeded, want an error")
		}
		if got := entries(t, dir); len(got) != 0 {
			t.Errorf("left behind: %v", got)
		}
	})
	t.Run("duplicate path", func(t *testing.T) {
		root := t.TempDir()
		tgt, _ := checkTarget(filepath.Join(root, "app"))
		dup := []File{{Path: "x", Content: []byte("1")}, {Path: "x", Content: []byte("2")}}
		if err := write(tgt, dup); err == nil {
			t.Fatal("write succeeded, want an error: the second x would overwrite the first")
		}
		if got := entries(t, root); len(got) != 0 {
			t.Errorf("left behind: %v", got)
		}
	})
	t.Run("escaping path", func(t *testing.T) {
		root := t.TempDir()
		tgt, _ := checkTarget(filepath.Join(root, "app"))
		if err := write(tgt, []File{{Path: "../evil", Content: []byte("x")}}); err == nil {
			t.Fatal("write succeeded, want an error")
		}
		if got := entries(t, root); len(got) != 0 {
			t.Errorf("left behind: %v", got)
		}
	})
}

// TestMoveIntoUndo fails the move of a second entry and checks the first
// is taken back out of the target.
func TestMoveIntoUndo(t *testing.T) {
	stage, dir := t.TempDir(), t.TempDir()
	mkfile(t, filepath.Join(stage, "a"))
	mkfile(t, filepath.Join(stage, "b"))
	mkfile(t, filepath.Join(dir, "b")) // appeared meanwhile
	if err := moveInto(stage, dir); err == nil || !strings.Contains(err.Error(), "appeared") {
		t.Fatalf("moveInto() = %v, want an error about b", err)
	}
	if got := entries(t, dir); strings.Join(got, ",") != "b" {
		t.Errorf("target holds %v, want only b (what was there)", got)
	}
}

func TestProjectName(t *testing.T) {
	tests := []struct{ dir, want string }{
		{"/src/shop", "shop"},
		{"/src/My Shop", "my-shop"},
		{"/src/api.v2", "api-v2"},
		{"/src/.hidden", "hidden"},
		{"/src/...", "project"},
		{"/", "project"},
		{"/src/shop/", "shop"},
	}
	for _, tt := range tests {
		if got := ProjectName(tt.dir); got != tt.want {
			t.Errorf("ProjectName(%q) = %q, want %q", tt.dir, got, tt.want)
		}
	}
}

// TestNewRefusesClimbingOut: a relative target with ".." is refused before
// anything is looked at or written; the module flag reaches a Go template.
func TestNewRefusesClimbingOut(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"../x", "a/../../x", ".."} {
		_, err := c.New(Options{Template: "go", Dir: dir})
		var in *InputError
		if !errors.As(err, &in) || !strings.Contains(err.Error(), "leaves the current directory") {
			t.Errorf("New(%q) = %v, want an InputError saying it leaves the current directory", dir, err)
		}
	}
	dir := filepath.Join(t.TempDir(), "api")
	if _, err := c.New(Options{Template: "go", Dir: dir, Module: "github.com/acme/api"}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err != nil || !strings.Contains(string(b), "module github.com/acme/api\n") {
		t.Errorf("go.mod = %q, %v; want module github.com/acme/api", b, err)
	}
}

// TestCheckNameDot: "." names the project after the current directory,
// which is checked instead.
func TestCheckNameDot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-app")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if err := CheckName("."); err != nil {
		t.Errorf("CheckName(\".\") in my-app: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "my app")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(bad)
	if err := CheckName("."); err == nil {
		t.Error(`CheckName(".") in "my app": no error`)
	}
}
