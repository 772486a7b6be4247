package scaffold

import (
	"context"
	"encoding/json"
	"go/format"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
)

// wantConvention is the convention each template's project must detect,
// and the Dockerfile build argument naming its base image.
var wantConvention = map[string]struct{ convention, imageArg string }{
	"go-http":     {"go", "GO_IMAGE"},
	"node-http":   {"node", "NODE_IMAGE"},
	"python-http": {"python", "PYTHON_IMAGE"},
}

// TestGeneratedProjects creates each template's project and checks what
// gazr reads in it without an engine: .gazr.toml, the convention, the
// compose file (build args and images from interpolation variables, health
// checks, the db the verbs need), and sources that parse.
func TestGeneratedProjects(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range c.Templates {
		t.Run(tmpl.Name, func(t *testing.T) {
			want, ok := wantConvention[tmpl.Name]
			if !ok {
				t.Fatalf("no expectations for template %s: add it to wantConvention", tmpl.Name)
			}
			res, err := c.New(Options{Template: tmpl.Name, Dir: filepath.Join(t.TempDir(), "shop")})
			if err != nil {
				t.Fatal(err)
			}
			checkConfig(t, res.Dir)
			conv, err := convention.Detect(res.Dir)
			if err != nil || conv == nil || conv.Name != want.convention {
				t.Errorf("detected convention %v (%v), want %s", conv, err, want.convention)
			}
			checkCompose(t, res.Dir, want.imageArg)
			checkSources(t, res.Files)
		})
	}
}

func checkConfig(t *testing.T, dir string) {
	t.Helper()
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatalf(".gazr.toml: %v", err)
	}
	if cfg.Name != "shop" || cfg.Image != "" {
		t.Errorf(".gazr.toml: name %q, image %q; want shop and no image (the convention's, swappable)", cfg.Name, cfg.Image)
	}
	// No run verb: `gazr run` runs the compose app then.
	if cfg.Verbs["run"] != nil {
		t.Errorf(".gazr.toml defines [verbs.run]: gazr run would run a step, not compose.yaml's app")
	}
	for _, v := range []string{"test-unit", "test-integration", "build"} {
		verb := cfg.Verbs[v]
		if verb == nil || len(verb.Run) == 0 {
			t.Errorf(".gazr.toml: verb %s is not defined", v)
			continue
		}
		if verb.Image != "" {
			t.Errorf(".gazr.toml: verb %s pins image %q", v, verb.Image)
		}
	}
	if verb := cfg.Verbs["test-integration"]; verb != nil && (!slices.Equal(verb.Services, []string{"db"}) || verb.Env["DATABASE_ADDR"] != "db:5432") {
		t.Errorf(".gazr.toml: test-integration has services %q, DATABASE_ADDR %q; want [db], db:5432", verb.Services, verb.Env["DATABASE_ADDR"])
	}
}

func checkCompose(t *testing.T, dir, imageArg string) {
	t.Helper()
	env := map[string]string{imageArg: "mirror.example/base:1", "POSTGRES_IMAGE": "mirror.example/postgres:16"}
	p, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Name: "shop", Environ: env})
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	app, ok := p.Services["app"]
	if !ok || app.Build == nil {
		t.Fatalf("compose.yaml: no app service with a build section")
	}
	if arg := app.Build.Args[imageArg]; arg == nil || *arg != "mirror.example/base:1" {
		t.Errorf("compose.yaml: app build arg %s = %v, want it from $%s", imageArg, arg, imageArg)
	}
	if app.HealthCheck == nil || len(app.HealthCheck.Test) == 0 {
		t.Errorf("compose.yaml: app has no health check")
	}
	if d, ok := app.DependsOn["db"]; !ok || d.Condition != "service_healthy" {
		t.Errorf("compose.yaml: app depends_on db = %+v, want service_healthy", d)
	}
	db, ok := p.Services["db"]
	if !ok || db.Image != "mirror.example/postgres:16" {
		t.Fatalf("compose.yaml: db image %q, want it from $POSTGRES_IMAGE", db.Image)
	}
	if db.HealthCheck == nil || !strings.Contains(strings.Join(db.HealthCheck.Test, " "), "pg_isready") {
		t.Errorf("compose.yaml: db health check %v, want pg_isready", db.HealthCheck)
	}
	// Without the variables, the public images.
	p, err = compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Name: "shop", Environ: map[string]string{}})
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	if arg := p.Services["app"].Build.Args[imageArg]; arg == nil || strings.HasPrefix(*arg, "mirror") || *arg == "" {
		t.Errorf("compose.yaml: default %s = %v, want a public image", imageArg, arg)
	}
}

// checkSources parses what can be parsed without the language's tools:
// Go (and gofmt's layout), JSON.
func checkSources(t *testing.T, files []File) {
	t.Helper()
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.Path, ".go"):
			out, err := format.Source(f.Content)
			if err != nil {
				t.Errorf("%s: %v", f.Path, err)
			} else if string(out) != string(f.Content) {
				t.Errorf("%s is not gofmt-formatted", f.Path)
			}
		case strings.HasSuffix(f.Path, ".json"):
			var v map[string]any
			if err := json.Unmarshal(f.Content, &v); err != nil {
				t.Errorf("%s: %v", f.Path, err)
			} else if v["name"] != "shop" {
				t.Errorf("%s: name %v, want shop", f.Path, v["name"])
			}
		}
	}
}
