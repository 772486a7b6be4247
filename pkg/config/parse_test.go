package config_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestParse(t *testing.T) {
	const path = "/src/My App/.gazr.toml"
	tests := []struct {
		name string
		in   string
		want *config.Config
	}{
		{
			name: "empty file takes its name from the directory",
			in:   "",
			want: &config.Config{Name: "my-app"},
		},
		{
			name: "string run",
			in:   "[verbs.test-unit]\nrun = \"go test ./...\"\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"test-unit": {Run: config.Commands{"go test ./..."}},
			}},
		},
		{
			name: "list run",
			in:   "[verbs.build]\nrun = [\"go vet ./...\", \"go build ./...\"]\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"build": {Run: config.Commands{"go vet ./...", "go build ./..."}},
			}},
		},
		{
			name: "multi-line list run with multi-line string",
			in:   "[verbs.build]\nrun = [\n  \"\"\"\nset -e\nmake\"\"\",\n  'make install', # comment\n]\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"build": {Run: config.Commands{"set -e\nmake", "make install"}},
			}},
		},
		{
			name: "image override at project and verb level",
			in:   "image = \"golang:1.26\"\n[verbs.style]\nimage = \"golangci/golangci-lint\"\n",
			want: &config.Config{Name: "my-app", Image: "golang:1.26", Verbs: map[string]*config.Verb{
				"style": {Image: "golangci/golangci-lint"},
			}},
		},
		{
			name: "verb env",
			in:   "[verbs.test-unit]\nrun = \"go test\"\n[verbs.test-unit.env]\nGOFLAGS = \"-race\"\nEMPTY = \"\"\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"test-unit": {Run: config.Commands{"go test"}, Env: map[string]string{"GOFLAGS": "-race", "EMPTY": ""}},
			}},
		},
		{
			name: "workdir is cleaned",
			in:   "[verbs.build]\nworkdir = \"./web//app/\"\n[verbs.run]\nworkdir = \"a/../b\"\n[verbs.init]\nworkdir = \".\"\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"build": {Workdir: "web/app"},
				"run":   {Workdir: "b"},
				"init":  {Workdir: "."},
			}},
		},
		{
			name: "user",
			in:   "[verbs.init]\nuser = \"root\"\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"init": {User: "root"},
			}},
		},
		{
			name: "caches list and empty list",
			in:   "[verbs.build]\ncaches = [\"go-build\", \"go-mod\"]\n[verbs.style]\ncaches = []\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"build": {Caches: []string{"go-build", "go-mod"}},
				"style": {Caches: []string{}},
			}},
		},
		{
			name: "description",
			in:   "[verbs.run]\ndescription = \"Start the API on :8080\"\nrun = \"go run ./cmd/api\"\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"run": {Description: "Start the API on :8080", Run: config.Commands{"go run ./cmd/api"}},
			}},
		},
		{
			name: "name and convention",
			in:   "name = \"api.v2_x-1\"\nconvention = \"none\"\n",
			want: &config.Config{Name: "api.v2_x-1", Convention: "none"},
		},
		{
			name: "dotted keys",
			in:   "verbs.test-unit.run = \"x\"\nverbs.build.env.A = \"1\"\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"test-unit": {Run: config.Commands{"x"}},
				"build":     {Env: map[string]string{"A": "1"}},
			}},
		},
		{
			name: "quoted keys",
			in:   "[verbs.\"test-unit\"]\n'run' = \"x\"\n\"env\".\"A.B\" = \"1\"\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"test-unit": {Run: config.Commands{"x"}, Env: map[string]string{"A.B": "1"}},
			}},
		},
		{
			name: "inline tables",
			in:   "verbs = { build = { run = \"make\", env = { A = \"1\" } } }\n",
			want: &config.Config{Name: "my-app", Verbs: map[string]*config.Verb{
				"build": {Run: config.Commands{"make"}, Env: map[string]string{"A": "1"}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Parse(path, []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Path != path || got.Root != "/src/My App" {
				t.Errorf("Path, Root = %q, %q; want %q, %q", got.Path, got.Root, path, "/src/My App")
			}
			if got.Pos == nil {
				t.Errorf("Pos is nil; want a map")
			}
			tt.want.Path, tt.want.Root, tt.want.Pos = got.Path, got.Root, got.Pos
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%s\nwant\n%s", dump(t, got), dump(t, tt.want))
			}
		})
	}
}

func TestParsePositions(t *testing.T) {
	in := `name = "api"
image = "golang:1.26"   # default image
# (env is per verb)
verbs.build.env = {
  # TOML 1.1 allows newlines in inline tables
  C = "3", 'D' = "4",
}
[verbs.test-unit]
description = """
run = "this is not the run key"
"""
run = "go test ./..."
  [verbs.test-unit.env]
  GOFLAGS = "-race"

[verbs]
build.run = "go build"
build.caches = []
`
	cfg, err := config.Parse(".gazr.toml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]config.Position{
		"name":                        {1, 1},
		"image":                       {2, 1},
		"verbs":                       {4, 1},
		"verbs.build":                 {4, 7},
		"verbs.build.env":             {4, 13},
		"verbs.build.env.C":           {6, 3},
		"verbs.build.env.D":           {6, 12},
		"verbs.test-unit":             {8, 8},
		"verbs.test-unit.description": {9, 1},
		"verbs.test-unit.run":         {12, 1},
		"verbs.test-unit.env":         {13, 20},
		"verbs.test-unit.env.GOFLAGS": {14, 3},
		"verbs.build.run":             {17, 7},
		"verbs.build.caches":          {18, 7},
	}
	if !reflect.DeepEqual(cfg.Pos, want) {
		t.Errorf("Pos =\n%v\nwant\n%v", cfg.Pos, want)
	}
}

// TestVerbsKnown checks that composite verbs and their members are verbs.
func TestVerbsKnown(t *testing.T) {
	for verb, members := range config.Groups {
		if !config.IsVerb(verb) {
			t.Errorf("group %q is not a verb", verb)
		}
		for _, m := range members {
			if !config.IsVerb(m) || !strings.HasPrefix(m, verb+"-") {
				t.Errorf("group %q member %q: not a verb named %s-…", verb, m, verb)
			}
		}
	}
	if config.IsVerb("deploy-all") || config.IsVerb("") {
		t.Error("IsVerb accepts unknown verbs")
	}
}
