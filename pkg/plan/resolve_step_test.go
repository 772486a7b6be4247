package plan_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/plan"
)

func TestResolveCaches(t *testing.T) {
	tests := []struct {
		name    string
		cfg     string
		conv    *convention.Convention
		want    []plan.Cache
		wantErr string
	}{
		{
			name: "convention default: all caches, sorted",
			conv: goConv(),
			want: []plan.Cache{
				{Name: "go-build", Volume: "gazr-cache-go-build", Target: "/gazr/cache/go-build", EnvVar: "GOCACHE", Origin: "convention go"},
				{Name: "go-mod", Volume: "gazr-cache-go-mod", Target: "/gazr/cache/go-mod", EnvVar: "GOMODCACHE", Origin: "convention go"},
			},
		},
		{
			name: "verb caches: a subset",
			cfg:  "[verbs.build]\ncaches = [\"go-mod\"]\n", conv: goConv(),
			want: []plan.Cache{
				{Name: "go-mod", Volume: "gazr-cache-go-mod", Target: "/gazr/cache/go-mod", EnvVar: "GOMODCACHE", Origin: ".gazr.toml:2"},
			},
		},
		{
			name: "empty list: none",
			cfg:  "[verbs.build]\ncaches = []\n", conv: goConv(),
			want: []plan.Cache{},
		},
		{
			name: "no convention: none",
			cfg:  "image = \"alpine\"\n[verbs.build]\nrun = \"make\"\n",
			want: []plan.Cache{},
		},
		{
			name: "unknown cache",
			cfg:  "[verbs.build]\nrun = \"make\"\ncaches = [\"go-mod\", \"go-buidl\"]\n", conv: goConv(),
			wantErr: `/src/app/.gazr.toml:3:1: verbs.build.caches: unknown cache "go-buidl"; did you mean "go-build"? (known: go-build, go-mod)`,
		},
		{
			name:    "unknown cache without a convention",
			cfg:     "image = \"alpine\"\n[verbs.build]\nrun = \"make\"\ncaches = [\"npm\"]\n",
			wantErr: `/src/app/.gazr.toml:4:1: verbs.build.caches: unknown cache "npm" (known: none)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Resolve(parse(t, tt.cfg), tt.conv, "build", plan.Options{})
			if tt.wantErr != "" {
				var ce *config.Error
				if err == nil || err.Error() != tt.wantErr || !errors.As(err, &ce) {
					t.Fatalf("Resolve error = %v (%T), want *config.Error %q", err, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Steps[0].Caches; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Caches = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestResolveEnv(t *testing.T) {
	cfg := parse(t, "name = \"shop\"\n[verbs.build]\ncaches = [\"go-mod\"]\nenv = { ZED = \"z\", ALPHA = \"a b\" }\n")
	p, err := plan.Resolve(cfg, goConv(), "build", plan.Options{Version: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	want := []plan.EnvVar{
		{Name: "HOME", Value: "/gazr/home", Origin: "gazr"},
		{Name: "GOMODCACHE", Value: "/gazr/cache/go-mod", Origin: "cache go-mod"},
		{Name: "ALPHA", Value: "a b", Origin: ".gazr.toml:4"},
		{Name: "ZED", Value: "z", Origin: ".gazr.toml:4"},
		{Name: "GAZR", Value: "1", Origin: "gazr"},
		{Name: "GAZR_PROJECT", Value: "shop", Origin: "gazr"},
		{Name: "GAZR_ROOT", Value: "/src/app", Origin: "gazr"},
		{Name: "GAZR_VERB", Value: "build", Origin: "gazr"},
		{Name: "GAZR_CONVENTION", Value: "go", Origin: "gazr"},
		{Name: "GAZR_VERSION", Value: "1.2.3", Origin: "gazr"},
	}
	s := p.Steps[0]
	if !reflect.DeepEqual(s.Env, want) {
		t.Errorf("Env =\n%+v\nwant\n%+v", s.Env, want)
	}
	wantList := []string{"HOME=/gazr/home", "GOMODCACHE=/gazr/cache/go-mod", "ALPHA=a b", "ZED=z", "GAZR=1",
		"GAZR_PROJECT=shop", "GAZR_ROOT=/src/app", "GAZR_VERB=build", "GAZR_CONVENTION=go", "GAZR_VERSION=1.2.3"}
	if got := s.EnvList(); !reflect.DeepEqual(got, wantList) {
		t.Errorf("EnvList = %q\nwant %q", got, wantList)
	}
}

func TestResolveEnvNoConvention(t *testing.T) {
	p, err := plan.Resolve(parse(t, "image = \"alpine\"\n[verbs.run]\nrun = \"x\"\n"), nil, "run", plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Steps[0].Env {
		got = append(got, e.Name+"="+e.Value)
	}
	want := "HOME=/gazr/home GAZR=1 GAZR_PROJECT=app GAZR_ROOT=/src/app GAZR_VERB=run GAZR_CONVENTION= GAZR_VERSION="
	if strings.Join(got, " ") != want {
		t.Errorf("Env = %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestResolveWorkdirUserMounts(t *testing.T) {
	tests := []struct {
		name        string
		cfg         string
		wantWorkdir plan.Value
		wantUser    plan.Value
	}{
		{
			name:        "defaults",
			wantWorkdir: plan.Value{Value: "/src/app", Origin: "project root"},
			wantUser:    plan.Value{Value: "1000:1000", Origin: "host user"},
		},
		{
			name:        "workdir joined to the root",
			cfg:         "[verbs.build]\nworkdir = \"./web/app/\"\n",
			wantWorkdir: plan.Value{Value: "/src/app/web/app", Origin: ".gazr.toml:2"},
			wantUser:    plan.Value{Value: "1000:1000", Origin: "host user"},
		},
		{
			name:        "workdir dot",
			cfg:         "[verbs.build]\nworkdir = \".\"\n",
			wantWorkdir: plan.Value{Value: "/src/app", Origin: ".gazr.toml:2"},
			wantUser:    plan.Value{Value: "1000:1000", Origin: "host user"},
		},
		{
			name:        "user override",
			cfg:         "[verbs.build]\n\nuser = \"root\"\n",
			wantWorkdir: plan.Value{Value: "/src/app", Origin: "project root"},
			wantUser:    plan.Value{Value: "root", Origin: ".gazr.toml:3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Resolve(parse(t, tt.cfg), goConv(), "build", plan.Options{User: "1000:1000"})
			if err != nil {
				t.Fatal(err)
			}
			s := p.Steps[0]
			if s.Workdir != tt.wantWorkdir || s.User != tt.wantUser {
				t.Errorf("Workdir, User = %+v, %+v; want %+v, %+v", s.Workdir, s.User, tt.wantWorkdir, tt.wantUser)
			}
			wantMounts := []plan.Mount{{Source: "/src/app", Target: "/src/app", Origin: "project root"}}
			if !reflect.DeepEqual(s.Mounts, wantMounts) {
				t.Errorf("Mounts = %+v, want %+v", s.Mounts, wantMounts)
			}
		})
	}
}

func TestResolveArgs(t *testing.T) {
	args := []string{"-run", "TestX"}
	p, err := plan.Resolve(parse(t, ""), goConv(), "test", plan.Options{Args: args})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Steps[0].Args; !reflect.DeepEqual(got, args) {
		t.Errorf("Args = %q, want %q", got, args)
	}
}

// TestResolveBadConventionImage: a convention image overridden by
// $GAZR_IMAGE_<NAME> is checked like one from the file, a configuration
// error (exit 2) rather than the engine's refusal at pull time (exit 1).
func TestResolveBadConventionImage(t *testing.T) {
	conv := goConv()
	conv.Image, conv.ImageOrigin = "UPPER case::bad", "$GAZR_IMAGE_GO"
	_, err := plan.Resolve(parse(t, ""), conv, "build", plan.Options{})
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("Resolve error = %v, want a *config.Error", err)
	}
	if want := `image of verb "build" from $GAZR_IMAGE_GO: "UPPER case::bad" is not a valid image reference`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Resolve error = %q, want it to start with %q", err, want)
	}
}
