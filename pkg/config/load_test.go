package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

// tree creates files (path → content) under a new temporary directory and
// returns the directory, resolved so that it compares equal to Abs paths.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestFind(t *testing.T) {
	root := tree(t, map[string]string{
		"proj/.gazr.toml":         "",
		"proj/a/b/c/keep":         "",
		"proj/sub/.gazr.toml":     "",
		"proj/sub/x/keep":         "",
		"other/keep":              "",
		"dirfile/.gazr.toml/keep": "", // found, for Load to refuse
		"dirfile/inner/keep":      "",
	})
	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"in the root", "proj", "proj/.gazr.toml"},
		{"walking up", "proj/a/b/c", "proj/.gazr.toml"},
		{"nearest wins", "proj/sub/x", "proj/sub/.gazr.toml"},
		{"none up to the filesystem root", "other", ""},
		{"directory named like the file", "dirfile/inner", "dirfile/.gazr.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Find(filepath.Join(root, tt.dir))
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if tt.want != "" {
				want = filepath.Join(root, tt.want)
			}
			if got != want {
				t.Errorf("Find = %q, want %q", got, want)
			}
		})
	}
}

func TestFindRelative(t *testing.T) {
	root := tree(t, map[string]string{".gazr.toml": "", "a/b/keep": ""})
	t.Chdir(filepath.Join(root, "a"))
	for _, dir := range []string{"b", ".", "./b/..", ""} {
		got, err := config.Find(dir)
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(root, ".gazr.toml"); got != want {
			t.Errorf("Find(%q) = %q, want %q", dir, got, want)
		}
	}
}

func TestLoad(t *testing.T) {
	root := tree(t, map[string]string{
		"with/.gazr.toml":   "name = \"api\"\n[verbs.build]\nrun = \"make\"\n",
		"with/src/keep":     "",
		"broken/.gazr.toml": "[verbs.biuld]\n",
		"Without File/keep": "",
	})
	t.Run("file found walking up", func(t *testing.T) {
		cfg, err := config.Load(filepath.Join(root, "with/src"))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Path != filepath.Join(root, "with/.gazr.toml") || cfg.Root != filepath.Join(root, "with") {
			t.Errorf("Path, Root = %q, %q", cfg.Path, cfg.Root)
		}
		if cfg.Name != "api" || cfg.Verbs["build"] == nil {
			t.Errorf("Load = %+v", cfg)
		}
	})
	t.Run("errors carry the absolute path", func(t *testing.T) {
		_, err := config.Load(filepath.Join(root, "broken"))
		want := filepath.Join(root, "broken/.gazr.toml") + `:1:8: unknown verb "biuld"; did you mean "build"?`
		if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
			t.Errorf("Load error = %v, want prefix %q", err, want)
		}
	})
	t.Run("no file", func(t *testing.T) {
		t.Chdir(root)
		cfg, err := config.Load("Without File")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Path != "" || cfg.Root != filepath.Join(root, "Without File") || cfg.Name != "without-file" {
			t.Errorf("Load = Path %q, Root %q, Name %q", cfg.Path, cfg.Root, cfg.Name)
		}
		if cfg.Pos == nil || cfg.Verbs != nil || cfg.Image != "" {
			t.Errorf("Load = %+v, want an empty config with a Pos map", cfg)
		}
	})
}

func TestDefaultName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"/src/api", "api"},
		{"/src/My App", "my-app"},
		{"/src/api.v2_x-1", "api.v2_x-1"},
		{"/src/Café", "caf-"},
		{"/src/.hidden", "hidden"},
		{"/src/-_.x", "x"},
		{"/src/__", "project"},
		{"/", "project"},
		{".", "project"},
		{"relative/dir/", "dir"},
	}
	for _, tt := range tests {
		if got := config.DefaultName(tt.in); got != tt.want {
			t.Errorf("DefaultName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"name", "image", "convention", "env", "verbs"}
	tests := []struct {
		name       string
		in         string
		candidates []string
		want       string
	}{
		{"transposition", "imgae", keys, "image"},
		{"missing letter", "verb", keys, "verbs"},
		{"exact", "env", keys, "env"},
		{"case differs", "Name", keys, "name"},
		{"too far", "zzzzzz", keys, ""},
		{"long name allows a third", "security-dependency-scna", config.Verbs, "security-dependency-scan"},
		{"long name, too far", "security-xxxxxxxxxxx-scan", config.Verbs, ""},
		{"closest of several", "test-unti", config.Verbs, "test-unit"},
		{"first of equals", "ab", []string{"xb", "ax"}, "xb"},
		{"no candidates", "image", nil, ""},
		{"empty name", "", []string{"ab", "abc"}, "ab"},
		{"transposition is one edit", "lnit", []string{"init", "lint"}, "lint"},
		{"transposition wins a tie, whatever the order", "lnit", []string{"lint", "init"}, "lint"},
		{"transposition in a short name", "tset", config.Verbs, "test"},
		{"two transpositions", "tset-uint", config.Verbs, "test-unit"},
		{"transposition at the end", "buidl", config.Verbs, "build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := config.Suggest(tt.in, tt.candidates); got != tt.want {
				t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
