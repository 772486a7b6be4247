package compose_test

import (
	"os"
	"path/filepath"
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
