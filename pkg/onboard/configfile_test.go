package onboard

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/plan"
)

var update = flag.Bool("update", false, "rewrite golden files")

// projects are the fixtures of the write-config tests: marker files of
// each convention, and one where none applies.
var projects = map[string]map[string]string{
	"go":        {"go.mod": "module example.com/shop\n\ngo 1.26\n"},
	"node":      {"package.json": "{}\n"},
	"node-yarn": {"package.json": "{}\n", "yarn.lock": ""},
	"node-pnpm": {"package.json": "{}\n", "pnpm-lock.yaml": ""},
	"python":    {"requirements.txt": "requests\n"},
	"make-go":   {"go.mod": "module example.com/shop\n", "Makefile": "test:\n\tgo test ./...\nbuild: test\n\tgo build\n"},
	"make":      {"Makefile": "test:\n\ttrue\n"},
	"none":      {"README.md": "hello\n"},
}

// clearImageEnv keeps the conventions' images their own.
func clearImageEnv(t *testing.T) {
	for _, c := range []string{"go", "node", "node-yarn", "node-pnpm", "python", "make"} {
		t.Setenv(convention.ImageEnv(c), "")
	}
}

// project writes a fixture under a directory named "shop", so that the
// project's name is the same wherever the test runs.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shop")
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

func render(t *testing.T, root string) []byte {
	t.Helper()
	conv, err := convention.Detect(root)
	if err != nil {
		t.Fatal(err)
	}
	data, err := RenderConfig(conv, ConfigOptions{Name: config.DefaultName(root), User: "1000:1000"})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRenderConfigGolden compares the written file of each fixture with
// testdata/<fixture>.gazr.toml; -update rewrites them.
func TestRenderConfigGolden(t *testing.T) {
	clearImageEnv(t)
	for name, files := range projects {
		t.Run(name, func(t *testing.T) {
			got := render(t, project(t, files))
			golden := filepath.Join("testdata", name+".gazr.toml")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("RenderConfig differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

// TestRenderConfigSamePlans: the written file, parsed back by pkg/config,
// gives every verb the plan the convention alone gives, but for where the
// commands come from, and this also when GAZR_IMAGE_<CONVENTION> is set.
func TestRenderConfigSamePlans(t *testing.T) {
	for _, override := range []string{"", "mirror.example/go:9"} {
		for name, files := range projects {
			t.Run(name+"/"+override, func(t *testing.T) {
				clearImageEnv(t)
				t.Setenv("GAZR_IMAGE_GO", override)
				root := project(t, files)
				before := plans(t, root)
				path, err := WriteConfig(root, render(t, root))
				if err != nil {
					t.Fatal(err)
				}
				after := plans(t, root)
				if len(after) != len(before) {
					t.Fatalf("%d verbs after writing %s, want %d", len(after), path, len(before))
				}
				for i := range before {
					for j, s := range after[i].Steps {
						// A verb that needs tools keeps the convention's
						// commands, so that they are still provided first.
						want := config.FileName + ":"
						if len(before[i].Convention.Verbs[s.Verb].Tools) > 0 {
							want = "convention "
						}
						if !strings.HasPrefix(s.CommandsOrigin, want) {
							t.Errorf("%s: commands from %q, want %s", s.Verb, s.CommandsOrigin, want)
						}
						s.CommandsOrigin = before[i].Steps[j].CommandsOrigin
						if s.Sources.Origin != "" {
							s.Sources.Origin, s.Generates.Origin = before[i].Steps[j].Sources.Origin, before[i].Steps[j].Generates.Origin
						}
					}
					if !reflect.DeepEqual(before[i].Steps, after[i].Steps) {
						t.Errorf("verb %s: plan differs once written:\nbefore %+v\nafter  %+v", before[i].Verb, before[i].Steps[0], after[i].Steps[0])
					}
				}
			})
		}
	}
}

// plans resolves every verb of the project at root as gazr does.
func plans(t *testing.T, root string) []*plan.Plan {
	t.Helper()
	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := convention.Detect(cfg.Root)
	if err != nil {
		t.Fatal(err)
	}
	pls, err := Plans(cfg, conv, plan.Options{User: "1000:1000", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return pls
}

var commentedKey = regexp.MustCompile(`(?m)^# (\[[a-z.-]+\]|[a-z_-]+ += .*)$`)

// TestRenderConfigCommentedDefaultsParse: every commented default, once
// uncommented, is valid configuration.
func TestRenderConfigCommentedDefaultsParse(t *testing.T) {
	clearImageEnv(t)
	for name, files := range projects {
		t.Run(name, func(t *testing.T) {
			data := render(t, project(t, files))
			n := len(commentedKey.FindAll(data, -1))
			if n < 3 {
				t.Fatalf("only %d commented defaults in\n%s", n, data)
			}
			uncommented := commentedKey.ReplaceAll(data, []byte("$1"))
			if _, err := config.Parse("/src/shop/.gazr.toml", uncommented); err != nil {
				t.Errorf("uncommented defaults do not parse: %v\n%s", err, uncommented)
			}
		})
	}
}

func TestWriteConfigRefuses(t *testing.T) {
	root := project(t, map[string]string{"go.mod": "module x\n", ".gazr.toml": "name = \"mine\"\n"})
	_, err := WriteConfig(root, []byte("# new\n"))
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "never overwrites") {
		t.Fatalf("WriteConfig over an existing file: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(root, ".gazr.toml")); string(data) != "name = \"mine\"\n" {
		t.Errorf(".gazr.toml = %q, want it untouched", data)
	}
	// A parent's file applies to a subdirectory too.
	sub := filepath.Join(root, "services", "api")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteConfig(sub, []byte("# new\n")); err == nil || !strings.Contains(err.Error(), filepath.Join(root, ".gazr.toml")) {
		t.Errorf("WriteConfig below a configured project: %v, want the parent's file named", err)
	}
	if _, err := os.Stat(filepath.Join(sub, ".gazr.toml")); err == nil {
		t.Error("a .gazr.toml was written below the configured project")
	}
}

func TestTOMLString(t *testing.T) {
	for _, s := range []string{"go test ./...", `say "hi"`, `a\b`, "it's", `it's "x"`, "tab\there", "line\nbreak", "ctl\x01", "é ⏎"} {
		data := []byte("[verbs.test-unit]\nrun = " + tomlString(s) + "\n")
		cfg, err := config.Parse("/src/x/.gazr.toml", data)
		if err != nil {
			t.Errorf("%q as %s: %v", s, tomlString(s), err)
			continue
		}
		if got := cfg.Verbs["test-unit"].Run[0]; got != s {
			t.Errorf("%q as %s reads back as %q", s, tomlString(s), got)
		}
	}
}
