package compose_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
)

// base has a variable with a default in web's image and environment, and a
// service of the debug profile.
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

// Files beside base that each mode reads or not.
const (
	devOverride = "services:\n  web:\n    image: dev\n"
	stagingFile = "services:\n  web:\n    image: shop/web:staging\n"
	dotenv      = "TAG=3f2a1c9\nGREETING=from-dotenv\n"
)

func TestLoadModes(t *testing.T) {
	all := map[string]string{"compose.yaml": base, "compose.override.yaml": devOverride,
		"compose.staging.yaml": stagingFile, ".env": dotenv}
	tests := []struct {
		name     string
		files    map[string]string
		opts     compose.LoadOptions
		services []string
		image    string // of web
		greeting string // web's GREETING
		composed []string
	}{
		// Dev: override, .env, profiles; never an environment's file.
		{
			name: "dev: override, .env, no environment file", files: all,
			opts:     compose.LoadOptions{Mode: compose.Dev},
			services: []string{"db", "web"}, image: "dev", greeting: "from-dotenv",
			composed: []string{"compose.yaml", "compose.override.yaml"},
		},
		{
			name:     "dev: docker-compose.override.yml",
			files:    map[string]string{"docker-compose.yml": base, "docker-compose.override.yml": devOverride},
			opts:     compose.LoadOptions{Mode: compose.Dev},
			services: []string{"db", "web"}, image: "dev", greeting: "hello",
			composed: []string{"docker-compose.yml", "docker-compose.override.yml"},
		},
		{
			name:     "dev: no override file",
			files:    map[string]string{"compose.yaml": base},
			opts:     compose.LoadOptions{Mode: compose.Dev},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
		{
			name: "dev: profiles given", files: all,
			opts:     compose.LoadOptions{Mode: compose.Dev, Profiles: []string{"debug"}},
			services: []string{"db", "debug", "web"}, image: "dev", greeting: "from-dotenv",
			composed: []string{"compose.yaml", "compose.override.yaml"},
		},
		{
			name: "dev: variables given win over .env", files: all,
			opts:     compose.LoadOptions{Mode: compose.Dev, Environ: map[string]string{"GREETING": "from-caller"}},
			services: []string{"db", "web"}, image: "dev", greeting: "from-caller",
			composed: []string{"compose.yaml", "compose.override.yaml"},
		},
		// Build: the main file and .env only.
		{
			name: "build: no override, no environment file, .env", files: all,
			opts:     compose.LoadOptions{Mode: compose.Build},
			services: []string{"db", "web"}, image: "shop/web:3f2a1c9", greeting: "from-dotenv",
			composed: []string{"compose.yaml"},
		},
		{
			name:     "build: variables given",
			files:    map[string]string{"compose.yaml": base},
			opts:     compose.LoadOptions{Mode: compose.Build, Environ: map[string]string{"TAG": "v2"}},
			services: []string{"db", "web"}, image: "shop/web:v2", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
		// Deploy: the main file, the environment's, .env; never the override.
		{
			name: "deploy: environment file, no override, .env", files: all,
			opts:     compose.LoadOptions{Mode: compose.Deploy, Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:staging", greeting: "from-dotenv",
			composed: []string{"compose.yaml", "compose.staging.yaml"},
		},
		{
			name: "deploy: another environment's file is not read",
			files: map[string]string{"compose.yaml": base, "compose.staging.yaml": stagingFile,
				"compose.production.yaml": "services:\n  web:\n    image: shop/web:prod\n"},
			opts:     compose.LoadOptions{Mode: compose.Deploy, Env: "production"},
			services: []string{"db", "web"}, image: "shop/web:prod", greeting: "hello",
			composed: []string{"compose.yaml", "compose.production.yaml"},
		},
		{
			name:     "deploy: environment file as .yml",
			files:    map[string]string{"docker-compose.yml": base, "compose.staging.yml": "services:\n  web:\n    environment:\n      GREETING: hi\n"},
			opts:     compose.LoadOptions{Mode: compose.Deploy, Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hi",
			composed: []string{"docker-compose.yml", "compose.staging.yml"},
		},
		{
			name: "deploy: .yaml before .yml",
			files: map[string]string{"compose.yaml": base, "compose.staging.yaml": stagingFile,
				"compose.staging.yml": "services:\n  web:\n    image: shop/web:yml\n"},
			opts:     compose.LoadOptions{Mode: compose.Deploy, Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:staging", greeting: "hello",
			composed: []string{"compose.yaml", "compose.staging.yaml"},
		},
		{
			name:     "deploy: environment without a file of its own",
			files:    map[string]string{"compose.yaml": base, "compose.override.yaml": devOverride},
			opts:     compose.LoadOptions{Mode: compose.Deploy, Env: "staging"},
			services: []string{"db", "web"}, image: "shop/web:latest", greeting: "hello",
			composed: []string{"compose.yaml"},
		},
		{
			name:     "deploy: variables given win over .env",
			files:    map[string]string{"compose.yaml": base, ".env": dotenv},
			opts:     compose.LoadOptions{Mode: compose.Deploy, Env: "staging", Environ: map[string]string{"TAG": "v3"}},
			services: []string{"db", "web"}, image: "shop/web:v3", greeting: "from-dotenv",
			composed: []string{"compose.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			tt.opts.Dir, tt.opts.Name = dir, "shop"
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
			if g := deref(web.Environment["GREETING"]); g != tt.greeting {
				t.Errorf("web GREETING = %q, want %q", g, tt.greeting)
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

// deref is a compose environment value, "<unset>" for a bare variable.
func deref(v *string) string {
	if v == nil {
		return "<unset>"
	}
	return *v
}

// TestLoadIgnoresProcessEnv checks that no mode reads the process
// environment: not its variables, not COMPOSE_PROFILES, not compose-go's
// COMPOSE_DISABLE_ENV_FILE. Only what the caller passes counts.
func TestLoadIgnoresProcessEnv(t *testing.T) {
	t.Setenv("TAG", "from-process")
	t.Setenv("GREETING", "from-process")
	t.Setenv("COMPOSE_PROFILES", "debug")
	t.Setenv("COMPOSE_DISABLE_ENV_FILE", "true")
	dir := tree(t, map[string]string{"compose.yaml": base, ".env": "GREETING=from-dotenv\n"})
	for _, opts := range []compose.LoadOptions{
		{Mode: compose.Dev}, {Mode: compose.Build}, {Mode: compose.Deploy, Env: "staging"},
	} {
		t.Run(opts.Mode.String(), func(t *testing.T) {
			opts.Dir, opts.Name = dir, "shop"
			p, err := compose.Load(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			web := p.Services["web"]
			if web.Image != "shop/web:latest" {
				t.Errorf("not passed: image = %q, want shop/web:latest", web.Image)
			}
			if g := deref(web.Environment["GREETING"]); g != "from-dotenv" {
				t.Errorf("not passed: GREETING = %q, want from-dotenv (.env read)", g)
			}
			if got := p.ServiceNames(); !slices.Equal(got, []string{"db", "web"}) {
				t.Errorf("services = %v, want db, web (COMPOSE_PROFILES not read)", got)
			}
			opts.Environ = map[string]string{"TAG": "from-process"}
			p, err = compose.Load(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Services["web"].Image; got != "shop/web:from-process" {
				t.Errorf("passed: image = %q, want shop/web:from-process", got)
			}
		})
	}
}

// TestLoadRefuses checks that options a mode does not take are errors,
// not silently dropped.
func TestLoadRefuses(t *testing.T) {
	dir := tree(t, map[string]string{"compose.yaml": base, "compose.staging.yaml": stagingFile})
	tests := []struct {
		name string
		opts compose.LoadOptions
		want string
	}{
		{"environment in dev", compose.LoadOptions{Mode: compose.Dev, Env: "staging"}, `environment "staging" given to a dev load`},
		{"environment in build", compose.LoadOptions{Env: "staging"}, `environment "staging" given to a build load`},
		{"deploy without environment", compose.LoadOptions{Mode: compose.Deploy}, "a deploy load needs an environment name"},
		{"profiles in build", compose.LoadOptions{Profiles: []string{"debug"}}, "profiles debug given to a build load"},
		{"profiles in deploy", compose.LoadOptions{Mode: compose.Deploy, Env: "staging", Profiles: []string{"a", "b"}}, "profiles a, b given to a deploy load"},
		{"unknown mode", compose.LoadOptions{Mode: compose.Mode(7)}, "unknown load mode Mode(7)"},
		{"environment with a slash", compose.LoadOptions{Mode: compose.Deploy, Env: "../prod"}, `invalid environment name "../prod"`},
		{"environment with a backslash", compose.LoadOptions{Mode: compose.Deploy, Env: `a\b`}, "invalid environment name"},
		{"environment ..", compose.LoadOptions{Mode: compose.Deploy, Env: ".."}, "invalid environment name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Dir = dir
			_, err := compose.Load(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want …%s…", err, tt.want)
			}
			var ce *compose.Error
			if errors.As(err, &ce) {
				t.Errorf("err = %v, blamed on a file", err)
			}
		})
	}
}
