package container

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/mount"

	"github.com/gazr-io/gazr/pkg/plan"
)

// testStep is a step as plan.Resolve builds it for a Go project.
func testStep() *plan.Step {
	return &plan.Step{
		Verb:     "test-unit",
		Image:    plan.Value{Value: "golang:1.26", Origin: "convention go"},
		Commands: []string{"go vet ./...", "go test ./..."},
		Args:     []string{"-run", "Test X"},
		Workdir:  plan.Value{Value: "/src/shop/api", Origin: ".gazr.toml:5"},
		User:     plan.Value{Value: "1000:1000", Origin: plan.OriginHost},
		Env: []plan.EnvVar{
			{Name: "HOME", Value: plan.HomeDir, Origin: plan.OriginGazr},
			{Name: "GOMODCACHE", Value: "/gazr/cache/go-mod", Origin: "cache go-mod"},
			{Name: "A", Value: "a b", Origin: ".gazr.toml:6"},
		},
		Mounts: []plan.Mount{
			{Source: "/home/u/shop", Target: "/src/shop", Origin: "project root"},
			{Source: "/etc/ssl", Target: "/etc/ssl", Origin: "x", ReadOnly: true},
		},
		Caches: []plan.Cache{
			{Name: "go-mod", Volume: "gazr-cache-go-mod", Target: "/gazr/cache/go-mod", EnvVar: "GOMODCACHE"},
			{Name: "go-build", Volume: "gazr-cache-go-build", Target: "/gazr/cache/go-build", EnvVar: "GOCACHE"},
		},
	}
}

func TestHostConfig(t *testing.T) {
	hc := hostConfig(testStep())
	if !hc.AutoRemove {
		t.Error("AutoRemove = false: a finished step's container would be left behind")
	}
	if hc.Init == nil || !*hc.Init {
		t.Errorf("Init = %v, want true (signals reach the step, zombies reaped)", hc.Init)
	}
	opts, ok := hc.Tmpfs[plan.HomeDir]
	if !ok || len(hc.Tmpfs) != 1 {
		t.Fatalf("Tmpfs = %v, want one tmpfs at %s", hc.Tmpfs, plan.HomeDir)
	}
	if !strings.Contains(","+opts+",", ",mode=1777,") || !strings.Contains(","+opts+",", ",rw,") {
		t.Errorf("Tmpfs %s options = %q, want rw and mode=1777", plan.HomeDir, opts)
	}
	want := []mount.Mount{
		{Type: mount.TypeBind, Source: "/home/u/shop", Target: "/src/shop"},
		{Type: mount.TypeBind, Source: "/etc/ssl", Target: "/etc/ssl", ReadOnly: true},
		{Type: mount.TypeVolume, Source: "gazr-cache-go-mod", Target: "/gazr/cache/go-mod"},
		{Type: mount.TypeVolume, Source: "gazr-cache-go-build", Target: "/gazr/cache/go-build"},
	}
	if !reflect.DeepEqual(hc.Mounts, want) {
		t.Errorf("Mounts =\n%+v\nwant\n%+v", hc.Mounts, want)
	}
	if len(hc.Binds) != 0 {
		t.Errorf("Binds = %q, want mounts only", hc.Binds)
	}
}

func TestHostConfigNoCaches(t *testing.T) {
	s := testStep()
	s.Caches, s.Mounts = nil, s.Mounts[:1]
	hc := hostConfig(s)
	want := []mount.Mount{{Type: mount.TypeBind, Source: "/home/u/shop", Target: "/src/shop"}}
	if !reflect.DeepEqual(hc.Mounts, want) {
		t.Errorf("Mounts = %+v, want %+v", hc.Mounts, want)
	}
}

func TestRunnerConfig(t *testing.T) {
	for _, tty := range []bool{false, true} {
		s := testStep()
		r := &Runner{Project: "shop", TTY: tty}
		cfg := r.config(s)
		if cfg.Image != "golang:1.26" {
			t.Errorf("Image = %q", cfg.Image)
		}
		me := self()
		wantLabels := map[string]string{"io.gazr.managed": "true", "io.gazr.project": "shop", "io.gazr.verb": "test-unit",
			"io.gazr.host": me.host, "io.gazr.pidns": me.pidns, "io.gazr.pid": strconv.Itoa(os.Getpid()), "io.gazr.pid-start": me.start}
		if !reflect.DeepEqual(cfg.Labels, wantLabels) {
			t.Errorf("Labels = %v, want the documented names %v", cfg.Labels, wantLabels)
		}
		if me.host == "" || me.pid == "" {
			t.Errorf("owner labels %+v: no host or pid", me)
		}
		if cfg.User != "1000:1000" || cfg.WorkingDir != "/src/shop/api" {
			t.Errorf("User, WorkingDir = %q, %q; want 1000:1000, /src/shop/api", cfg.User, cfg.WorkingDir)
		}
		wantEnv := []string{"HOME=/gazr/home", "GOMODCACHE=/gazr/cache/go-mod", "A=a b"}
		if !reflect.DeepEqual(cfg.Env, wantEnv) {
			t.Errorf("Env = %q, want %q", cfg.Env, wantEnv)
		}
		wantCmd := []string{"sh", "-c", "{ go vet ./...\n} || exit $?\n{ go test ./... \"$@\"\n} || exit $?\n", "gazr", "-run", "Test X"}
		got := append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
		if !reflect.DeepEqual(got, wantCmd) || !reflect.DeepEqual(got, s.Cmd()) {
			t.Errorf("Entrypoint+Cmd = %q, want step.Cmd() %q", got, wantCmd)
		}
		if !reflect.DeepEqual([]string(cfg.Entrypoint), []string{"sh", "-c"}) {
			t.Errorf("Entrypoint = %q, want sh -c (the image's own entrypoint must not wrap the step)", cfg.Entrypoint)
		}
		if cfg.Tty != tty {
			t.Errorf("Tty = %v, want the runner's %v", cfg.Tty, tty)
		}
	}
}

func TestRunnerConfigImageUser(t *testing.T) {
	s := testStep()
	s.User = plan.Value{Origin: plan.OriginHost}
	if cfg := (&Runner{Project: "p"}).config(s); cfg.User != "" {
		t.Errorf("User = %q, want empty: the image's user", cfg.User)
	}
}

func TestRunnerName(t *testing.T) {
	r := &Runner{Project: "shop"}
	a, b := r.name("test-unit"), r.name("test-unit")
	if !strings.HasPrefix(a, "gazr-shop-test-unit-") || len(a) != len("gazr-shop-test-unit-")+8 {
		t.Errorf("name = %q, want gazr-shop-test-unit-<8 hex>", a)
	}
	if a == b {
		t.Errorf("two names are both %q: concurrent runs would collide", a)
	}
	if c := r.name("docs:build it"); !strings.HasPrefix(c, "gazr-shop-docs-build-it-") {
		t.Errorf("name of a Taskfile task = %q, want gazr-shop-docs-build-it-<hex>", c)
	}
}
