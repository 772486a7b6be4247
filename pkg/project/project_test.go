package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/taskfile"
)

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	write(t, filepath.Dir(file), "f", "")
	for _, dir := range []string{file, filepath.Join(t.TempDir(), "missing")} {
		_, err := Load(dir, "v1")
		var de *DirError
		if !errors.As(err, &de) || de.Dir != dir || err.Error() != "-C "+dir+": not a directory" {
			t.Errorf("Load(%s) = %v, want a *DirError", dir, err)
		}
	}
}

func TestLoadWalksUp(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gazr.toml", "name = \"shop\"\nimage = \"img\"\nconvention = \"none\"\n")
	write(t, root, "api/x.txt", "")
	p, err := Load(filepath.Join(root, "api"), "v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if p.Config.Root != root || p.Config.Name != "shop" || p.Convention != nil {
		t.Errorf("root %s, name %s, convention %v; want %s, shop, none", p.Config.Root, p.Config.Name, p.Convention, root)
	}
	if p.Version != "v1.2.3" || p.User != HostUser() {
		t.Errorf("version %q, user %q; want v1.2.3, %q", p.Version, p.User, HostUser())
	}
}

func TestLoadConvention(t *testing.T) {
	tests := []struct {
		name, config string
		files        map[string]string
		want         string // convention name; "" for none
		wantErr      string
	}{
		{name: "detected", config: "name = \"x\"\n", files: map[string]string{"go.mod": "module x\n"}, want: "go"},
		{name: "none", config: "convention = \"none\"\n", files: map[string]string{"go.mod": "module x\n"}},
		{name: "named", config: "convention = \"go\"\n", want: "go"},
		{name: "unknown, at its position", config: "name = \"x\"\nconvention = \"gopher\"\n", wantErr: ".gazr.toml:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, ".gazr.toml", tt.config)
			for name, content := range tt.files {
				write(t, dir, name, content)
			}
			p, err := Load(dir, "dev")
			if tt.wantErr != "" {
				var ce *config.Error
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a *config.Error at %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p.Convention != nil {
				got = p.Convention.Name
			}
			if got != tt.want {
				t.Errorf("convention = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPlanHostDefaults(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".gazr.toml", "image = \"img\"\nconvention = \"none\"\n[verbs.build]\nrun = \"make\"\n")
	p, err := Load(dir, "v9")
	if err != nil {
		t.Fatal(err)
	}
	p.User = "1:2"
	pl, err := p.Plan("build", PlanOptions{Args: []string{"-k"}})
	if err != nil {
		t.Fatal(err)
	}
	s := pl.Steps[0]
	if s.User.Value != "1:2" || strings.Join(s.Args, " ") != "-k" {
		t.Errorf("user %q, args %v; want the project's user and the args", s.User.Value, s.Args)
	}
	found := false
	for _, e := range s.Env {
		found = found || e.Name == "GAZR_VERSION" && e.Value == "v9"
	}
	if !found {
		t.Errorf("env %v has no GAZR_VERSION=v9", s.Env)
	}
	var nd *plan.NotDefinedError
	if _, err := p.Plan("upgrade", PlanOptions{}); !errors.As(err, &nd) {
		t.Errorf("Plan(upgrade) = %v, want *plan.NotDefinedError", err)
	}
}

func TestPlanTaskHelper(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Taskfile.yml", "version: '3'\ntasks:\n  lint:\n    cmds: [golangci-lint run]\n")
	p, err := Load(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	missing := errors.New("gazr-task not found")
	none := func() (string, error) { return "", missing }
	if _, err := p.Plan("lint", PlanOptions{FindHelper: none}); err != nil {
		t.Errorf("dry run without the helper: %v, want the plan", err)
	}
	if _, err := p.Plan("lint", PlanOptions{FindHelper: none, NeedHelper: true}); !errors.Is(err, missing) {
		t.Errorf("run without the helper: %v, want the helper's error", err)
	}
	pl, err := p.Plan("lint", PlanOptions{FindHelper: func() (string, error) { return "/opt/gazr-task", nil }, NeedHelper: true})
	if err != nil || !UsesHelper(pl) {
		t.Fatalf("Plan = %v, uses helper %v; want the helper mounted", err, pl != nil && UsesHelper(pl))
	}
	for _, m := range pl.Steps[0].Mounts {
		if m.Target == taskfile.HelperTarget && m.Source != "/opt/gazr-task" {
			t.Errorf("helper mounted from %q, want /opt/gazr-task", m.Source)
		}
	}
}
