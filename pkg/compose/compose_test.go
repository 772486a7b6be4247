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

const base = `services:
  web:
    image: shop/web:${TAG:-latest}
    environment:
      GREETING: ${GREETING:-hello}
  db:
    image: postgres:16
  debug:
    image: busybox
    profiles: [debug]
`

func TestLoad(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		opts     compose.LoadOptions
		services []string
		image    string // of web
		greeting string // web's GREETING
		composed []string
	}{
		{
			name:     "plain file",
			files:    map[string]string{"compose.yaml": base},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
		{
			name: "override of the environment",
			files: map[string]string{"compose.yaml": base,
				"compose.staging.yaml":    "services:\n  web:\n    image: shop/web:staging\n",
				"compose.production.yaml": "services:\n  web:\n    image: shop/web:prod\n"},
			opts:     compose.LoadOptions{Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:staging", greeting: "hello",
			composed: []string{"compose.yaml", "compose.staging.yaml"},
		},
		{
			name:     "override as .yml",
			files:    map[string]string{"docker-compose.yml": base, "compose.staging.yml": "services:\n  web:\n    environment:\n      GREETING: hi\n"},
			opts:     compose.LoadOptions{Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hi",
			composed: []string{"docker-compose.yml", "compose.staging.yml"},
		},
		{
			name: "override .yaml before .yml",
			files: map[string]string{"compose.yaml": base,
				"compose.staging.yaml": "services:\n  web:\n    image: shop/web:yaml\n",
				"compose.staging.yml":  "services:\n  web:\n    image: shop/web:yml\n"},
			opts:     compose.LoadOptions{Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:yaml", greeting: "hello",
			composed: []string{"compose.yaml", "compose.staging.yaml"},
		},
		{
			name:     "environment without an override",
			files:    map[string]string{"compose.yaml": base},
			opts:     compose.LoadOptions{Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
		{
			name:     "compose.override.yaml is not applied",
			files:    map[string]string{"compose.yaml": base, "compose.override.yaml": "services:\n  web:\n    image: dev\n"},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
		{
			name:     "compose.override.yaml with Override",
			files:    map[string]string{"compose.yaml": base, "compose.override.yaml": "services:\n  web:\n    image: dev\n"},
			opts:     compose.LoadOptions{Override: true},
			services: []string{"db", "web"}, image: "dev", greeting: "hello",
			composed: []string{"compose.yaml", "compose.override.yaml"},
		},
		{
			name: "docker-compose.override.yml, then the environment's",
			files: map[string]string{"docker-compose.yml": base,
				"docker-compose.override.yml": "services:\n  web:\n    image: dev\n    environment:\n      GREETING: dev\n",
				"compose.staging.yaml":        "services:\n  web:\n    image: shop/web:staging\n"},
			opts:     compose.LoadOptions{Override: true, Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:staging", greeting: "dev",
			composed: []string{"docker-compose.yml", "docker-compose.override.yml", "compose.staging.yaml"},
		},
		{
			name:     "Override without an override file",
			files:    map[string]string{"compose.yaml": base},
			opts:     compose.LoadOptions{Override: true},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
		{
			name:     ".env interpolation",
			files:    map[string]string{"compose.yaml": base, ".env": "TAG=3f2a1c9\nGREETING=from-dotenv\n"},
			opts:     compose.LoadOptions{Environ: map[string]string{}},
			services: []string{"db", "web"}, image: "shop/web:3f2a1c9", greeting: "from-dotenv",
			composed: []string{"compose.yaml"},
		},
		{
			name:     "Environ wins over .env",
			files:    map[string]string{"compose.yaml": base, ".env": "TAG=3f2a1c9\nGREETING=from-dotenv\n"},
			opts:     compose.LoadOptions{Environ: map[string]string{"GREETING": "from-caller"}},
			services: []string{"db", "web"}, image: "shop/web:3f2a1c9", greeting: "from-caller",
			composed: []string{"compose.yaml"},
		},
		{
			name:     "profiles",
			files:    map[string]string{"compose.yaml": base},
			opts:     compose.LoadOptions{Profiles: []string{"debug"}},
			services: []string{"db", "debug", "web"}, image: "shop/web:latest", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			tt.opts.Dir = dir
			tt.opts.Name = "shop"
			if tt.opts.Environ == nil {
				tt.opts.Environ = map[string]string{}
			}
			p, err := compose.Load(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != "shop" {
				t.Errorf("Name = %q, want shop", p.Name)
			}
			if got := p.ServiceNames(); !slices.Equal(got, tt.services) {
				t.Errorf("services = %v, want %v", got, tt.services)
			}
			web := p.Services["web"]
			if web.Image != tt.image {
				t.Errorf("web image = %q, want %q", web.Image, tt.image)
			}
			if g := web.Environment["GREETING"]; g == nil || *g != tt.greeting {
				t.Errorf("web GREETING = %v, want %q", g, tt.greeting)
			}
			var want []string
			for _, f := range tt.composed {
				want = append(want, filepath.Join(dir, f))
			}
			if !slices.Equal(p.ComposeFiles, want) {
				t.Errorf("ComposeFiles = %v, want %v", p.ComposeFiles, want)
			}
		})
	}
}

// TestLoadProcessEnv checks that a nil Environ means the process environment.
func TestLoadProcessEnv(t *testing.T) {
	t.Setenv("TAG", "from-process")
	dir := tree(t, map[string]string{"compose.yaml": base, ".env": "TAG=from-dotenv\n"})
	p, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Services["web"].Image; got != "shop/web:from-process" {
		t.Errorf("image = %q, want shop/web:from-process", got)
	}
}

func TestLoadNoFile(t *testing.T) {
	dir := tree(t, map[string]string{"README": ""})
	_, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir})
	if !errors.Is(err, compose.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	for _, want := range append([]string{dir}, compose.FileNames...) {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
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

func TestLoadInvalidEnvName(t *testing.T) {
	dir := tree(t, map[string]string{"compose.yaml": base})
	for _, env := range []string{"../prod", "a/b", ".."} {
		_, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Env: env})
		if err == nil || !strings.Contains(err.Error(), "invalid environment name") {
			t.Errorf("env %q: err = %v, want an invalid environment name", env, err)
		}
	}
}
