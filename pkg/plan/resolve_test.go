package plan_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/plan"
)

const cfgPath = "/src/app/.gazr.toml"

// parse parses a .gazr.toml for project /src/app; "" means no file.
func parse(t *testing.T, in string) *config.Config {
	t.Helper()
	if in == "" {
		return &config.Config{Root: "/src/app", Name: "app", Pos: map[string]config.Position{}}
	}
	cfg, err := config.Parse(cfgPath, []byte(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

// goConv is a small Go-like convention, independent of conventions/*.toml.
func goConv() *convention.Convention {
	return &convention.Convention{
		Name:        "go",
		Image:       "golang:1.26",
		ImageOrigin: "convention go",
		Caches:      map[string]string{"go-mod": "GOMODCACHE", "go-build": "GOCACHE"},
		Verbs: map[string]convention.Verb{
			"test-unit":     {Run: []string{"go test ./..."}},
			"build":         {Run: []string{"go vet ./...", "go build ./..."}},
			"security-sast": {Run: []string{"gosec ./..."}},
		},
	}
}

func TestResolveCommands(t *testing.T) {
	type step struct {
		Verb     string
		Commands []string
		Origin   string
	}
	tests := []struct {
		name    string
		cfg     string
		conv    *convention.Convention
		verb    string
		want    []step
		wantErr string
	}{
		{
			name: "verb defined only by the convention",
			conv: goConv(), verb: "build",
			want: []step{{"build", []string{"go vet ./...", "go build ./..."}, "convention go"}},
		},
		{
			name: "config run overrides the convention",
			cfg:  "name = \"app\"\n\n[verbs.build]\nrun = \"make\"\n",
			conv: goConv(), verb: "build",
			want: []step{{"build", []string{"make"}, ".gazr.toml:4"}},
		},
		{
			name: "config verb without run keeps the convention's commands",
			cfg:  "[verbs.build]\nimage = \"golang:1.25\"\n",
			conv: goConv(), verb: "build",
			want: []step{{"build", []string{"go vet ./...", "go build ./..."}, "convention go"}},
		},
		{
			name: "verb defined only by the config, no convention",
			cfg:  "image = \"alpine\"\n[verbs.run]\nrun = [\"a\", \"b\"]\n",
			verb: "run",
			want: []step{{"run", []string{"a", "b"}, ".gazr.toml:3"}},
		},
		{
			name: "composite runs its defined members in order",
			cfg:  "[verbs.test-integration]\nrun = \"go test -tags integration ./...\"\n",
			conv: goConv(), verb: "test",
			want: []step{
				{"test-unit", []string{"go test ./..."}, "convention go"},
				{"test-integration", []string{"go test -tags integration ./..."}, ".gazr.toml:2"},
			},
		},
		{
			name: "composite defined itself runs alone",
			cfg:  "[verbs.test]\nrun = \"make check\"\n[verbs.test-integration]\nrun = \"x\"\n",
			conv: goConv(), verb: "test",
			want: []step{{"test", []string{"make check"}, ".gazr.toml:2"}},
		},
		{
			name: "security group",
			conv: goConv(), verb: "security",
			want: []step{{"security-sast", []string{"gosec ./..."}, "convention go"}},
		},
		{
			name: "group member run directly",
			conv: goConv(), verb: "test-unit",
			want: []step{{"test-unit", []string{"go test ./..."}, "convention go"}},
		},
		{
			name: "undefined verb with a convention",
			conv: goConv(), verb: "watch",
			wantErr: `verb "watch" is not defined here (convention go does not define it); add [verbs.watch] with a run command to .gazr.toml`,
		},
		{
			name:    "undefined verb without a convention",
			verb:    "build",
			wantErr: `verb "build" is not defined here (no convention applies here); add [verbs.build] with a run command to .gazr.toml`,
		},
		{
			name: "composite with no defined member",
			conv: &convention.Convention{Name: "empty", Image: "x"}, verb: "test",
			wantErr: `verb "test" is not defined here (convention empty does not define it); add [verbs.test] with a run command to .gazr.toml`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := parse(t, tt.cfg)
			p, err := plan.Resolve(cfg, tt.conv, tt.verb, plan.Options{})
			if tt.wantErr != "" {
				var nd *plan.NotDefinedError
				if err == nil || err.Error() != tt.wantErr || !errors.As(err, &nd) || nd.Verb != tt.verb {
					t.Fatalf("Resolve error = %v (%T), want NotDefinedError %q", err, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Verb != tt.verb || p.Project != cfg.Name || p.Root != "/src/app" || p.Config != cfg.Path || p.Convention != tt.conv {
				t.Errorf("Plan = verb %q project %q root %q config %q convention %v", p.Verb, p.Project, p.Root, p.Config, p.Convention)
			}
			var got []step
			for _, s := range p.Steps {
				got = append(got, step{s.Verb, s.Commands, s.CommandsOrigin})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("steps = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestResolveImage(t *testing.T) {
	tests := []struct {
		name    string
		cfg     string
		conv    *convention.Convention
		want    plan.Value
		wantErr string
	}{
		{
			name: "convention image",
			cfg:  "", conv: goConv(),
			want: plan.Value{Value: "golang:1.26", Origin: "convention go"},
		},
		{
			name: "convention image from the environment",
			conv: func() *convention.Convention {
				c := goConv()
				c.Image, c.ImageOrigin = "mirror/golang", "$GAZR_IMAGE_GO"
				return c
			}(),
			want: plan.Value{Value: "mirror/golang", Origin: "$GAZR_IMAGE_GO"},
		},
		{
			name: "config image beats the convention",
			cfg:  "name = \"app\"\nimage = \"golang:1.25\"\n", conv: goConv(),
			want: plan.Value{Value: "golang:1.25", Origin: ".gazr.toml:2"},
		},
		{
			name: "verb image beats both",
			cfg:  "image = \"golang:1.25\"\n[verbs.build]\nimage = \"golang:1.24\"\n", conv: goConv(),
			want: plan.Value{Value: "golang:1.24", Origin: ".gazr.toml:3"},
		},
		{
			name: "config image without a convention",
			cfg:  "image = \"alpine\"\n[verbs.build]\nrun = \"make\"\n",
			want: plan.Value{Value: "alpine", Origin: ".gazr.toml:1"},
		},
		{
			name: "no image anywhere",
			cfg:  "[verbs.build]\nrun = \"make\"\n", conv: &convention.Convention{Name: "bare"},
			wantErr: `/src/app/.gazr.toml:1:8: verb "build" has no image: set image = "…" at the top of .gazr.toml or in [verbs.build]`,
		},
		{
			name:    "no image and no convention",
			cfg:     "[verbs.build]\nrun = \"make\"\n",
			wantErr: `/src/app/.gazr.toml:1:8: verb "build" has no image: set image = "…" at the top of .gazr.toml or in [verbs.build]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Resolve(parse(t, tt.cfg), tt.conv, "build", plan.Options{})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Resolve error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Steps[0].Image; got != tt.want {
				t.Errorf("Image = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestResolveBuiltinGo resolves against the embedded go convention, the
// path a project with only a go.mod takes.
func TestResolveBuiltinGo(t *testing.T) {
	t.Setenv("GAZR_IMAGE_GO", "")
	conv, err := convention.ByName("go")
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Resolve(parse(t, ""), conv, "test", plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 1 || p.Steps[0].Verb != "test-unit" || p.Steps[0].Image.Origin != "convention go" {
		t.Fatalf("steps = %+v, want test-unit in the convention's image", p.Steps)
	}
	if len(p.Steps[0].Caches) != len(conv.Caches) {
		t.Errorf("Caches = %+v, want all of %v", p.Steps[0].Caches, conv.Caches)
	}
}

func TestResolvePrelude(t *testing.T) {
	withPrelude := goConv()
	withPrelude.Prelude = "export GOFLAGS=-mod=vendor"
	tests := []struct {
		name string
		cfg  string
		conv *convention.Convention
		want plan.Value
	}{
		{"convention verb", "", withPrelude, plan.Value{Value: "export GOFLAGS=-mod=vendor", Origin: "convention go"}},
		{"config verb in a convention with a prelude", "[verbs.build]\nrun = \"make\"\n", withPrelude, plan.Value{Value: "export GOFLAGS=-mod=vendor", Origin: "convention go"}},
		{"convention without prelude", "", goConv(), plan.Value{}},
		{"no convention", "image = \"x\"\n[verbs.build]\nrun = \"make\"\n", nil, plan.Value{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Resolve(parse(t, tt.cfg), tt.conv, "build", plan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Steps[0].Prelude; got != tt.want {
				t.Errorf("Prelude = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDefined(t *testing.T) {
	cfg := parse(t, "[verbs.run]\nrun = \"x\"\n[verbs.build]\nimage = \"y\"\n")
	tests := []struct {
		verb string
		conv *convention.Convention
		want bool
	}{
		{"run", nil, true},
		{"build", nil, false},
		{"build", goConv(), true},
		{"test", goConv(), false},
		{"test-unit", goConv(), true},
	}
	for _, tt := range tests {
		if got := plan.Defined(cfg, tt.conv, tt.verb); got != tt.want {
			t.Errorf("Defined(%q, conv %v) = %v, want %v", tt.verb, tt.conv != nil, got, tt.want)
		}
	}
}
