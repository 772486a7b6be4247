package sidecar

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		compose string
		files   map[string]string
		want    string // "" for no error; else what the error says after "compose.yaml:"
	}{
		{"valid image", "services:\n  db:\n    image: postgres:17\n", nil, ""},
		{"invalid image", "services:\n  db:\n    image: \"UPPER::bad\"\n", nil, `3:5: service db: invalid image reference "UPPER::bad"`},
		{"invalid image of a dependency", "services:\n  db:\n    image: postgres:17\n    depends_on: [cache]\n  cache:\n    image: \"Bad\"\n", nil, `6:5: service cache: invalid image reference "Bad"`},
		{"missing build context", "services:\n  db:\n    build: ./nonexistent\n", nil, "3:5: service db: build: build context "},
		{"missing Dockerfile", "services:\n  db:\n    build: ./ctx\n", map[string]string{"ctx/README": "x"}, "3:5: service db: build: Dockerfile "},
		{"build context and Dockerfile exist", "services:\n  db:\n    build:\n      context: ./ctx\n      dockerfile: Containerfile\n", map[string]string{"ctx/Containerfile": "FROM scratch\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.files = mergeFiles(tt.files, "compose.yaml", tt.compose)
			for name, body := range tt.files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, err := load(dir, "shop")
			if err != nil {
				t.Fatal(err)
			}
			services, err := Services(p, []string{"db"})
			if err != nil {
				t.Fatal(err)
			}
			err = Check(p, services)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var ce *compose.Error
			if !errors.As(err, &ce) {
				t.Fatalf("Check: %v, want a *compose.Error", err)
			}
			prefix := filepath.Join(dir, "compose.yaml") + ":" + tt.want
			if !strings.HasPrefix(err.Error(), prefix) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Check:\n got %q\nwant one line starting %q", err, prefix)
			}
		})
	}
}

func mergeFiles(files map[string]string, name, body string) map[string]string {
	out := map[string]string{name: body}
	for k, v := range files {
		out[k] = v
	}
	return out
}
