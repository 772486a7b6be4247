package compose_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
)

// tree creates files (path → content) under a new temporary directory and
// returns the directory.
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
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"none", map[string]string{"README": ""}, ""},
		{"compose.yaml", map[string]string{"compose.yaml": ""}, "compose.yaml"},
		{"docker-compose.yml", map[string]string{"docker-compose.yml": ""}, "docker-compose.yml"},
		{"compose.yaml before compose.yml", map[string]string{"compose.yml": "", "compose.yaml": ""}, "compose.yaml"},
		{"compose.yml before docker-compose.yaml", map[string]string{"docker-compose.yaml": "", "compose.yml": ""}, "compose.yml"},
		{"docker-compose.yaml before .yml", map[string]string{"docker-compose.yml": "", "docker-compose.yaml": ""}, "docker-compose.yaml"},
		{"a directory is no file", map[string]string{"compose.yaml/keep": "", "compose.yml": ""}, "compose.yml"},
		{"overrides alone are no project", map[string]string{"compose.staging.yaml": ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			got, err := compose.Find(dir)
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if tt.want != "" {
				want = filepath.Join(dir, tt.want)
			}
			if got != want {
				t.Errorf("Find = %q, want %q", got, want)
			}
		})
	}
}

func TestHostEnv(t *testing.T) {
	tests := []struct {
		name     string
		environ  []string
		vars     map[string]string
		profiles []string
	}{
		{"empty", nil, map[string]string{}, nil},
		{"variables", []string{"A=1", "B=", "C=x=y"}, map[string]string{"A": "1", "B": "", "C": "x=y"}, nil},
		{"malformed entries dropped", []string{"NOEQUALS", "=nokey", "D=4"}, map[string]string{"D": "4"}, nil},
		{"last entry wins", []string{"A=1", "A=2"}, map[string]string{"A": "2"}, nil},
		{"profiles", []string{"COMPOSE_PROFILES= debug, ,tools,"},
			map[string]string{"COMPOSE_PROFILES": " debug, ,tools,"}, []string{"debug", "tools"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars, profiles := compose.HostEnv(tt.environ)
			if len(vars) != len(tt.vars) {
				t.Errorf("vars = %v, want %v", vars, tt.vars)
			}
			for k, v := range tt.vars {
				if got, ok := vars[k]; !ok || got != v {
					t.Errorf("vars[%s] = %q (%v), want %q", k, got, ok, v)
				}
			}
			if !slices.Equal(profiles, tt.profiles) {
				t.Errorf("profiles = %q, want %q", profiles, tt.profiles)
			}
		})
	}
}

func TestLoadNoFile(t *testing.T) {
	dir := tree(t, map[string]string{"README": "", "compose.override.yaml": devOverride})
	for _, mode := range []compose.Mode{compose.Build, compose.Dev} {
		_, err := compose.Load(context.Background(), compose.LoadOptions{Mode: mode, Dir: dir})
		if !errors.Is(err, compose.ErrNotFound) {
			t.Fatalf("%s: err = %v, want ErrNotFound", mode, err)
		}
		for _, want := range append([]string{dir}, compose.FileNames...) {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not mention %q", mode, err, want)
			}
		}
	}
}

func TestLoadInvalidName(t *testing.T) {
	dir := tree(t, map[string]string{"compose.yaml": base})
	_, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Name: "My Shop"})
	var ce *compose.Error
	if err == nil || errors.As(err, &ce) || !strings.Contains(err.Error(), `invalid project name "My Shop"`) {
		t.Errorf("err = %v, want an invalid project name not blamed on a file", err)
	}
}
