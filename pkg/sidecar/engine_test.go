package sidecar

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/image"
)

const busybox = "gazr-test/busybox:1"

// fixture is one engine test's project: a unique name, a Manager, and a
// clean-up that destroys everything of the project and checks that
// nothing is left.
type fixture struct {
	t   *testing.T
	api *client.Client
	m   *Manager
	out *bytes.Buffer
	dir string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	api := enginetest.Connect(t, busybox)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	out := &bytes.Buffer{}
	f := &fixture{t: t, api: api, out: out, dir: t.TempDir(),
		m: &Manager{API: api, Project: "gzs" + hex.EncodeToString(b), Out: out, Builder: api, Timeout: 30 * time.Second}}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := f.m.Destroy(ctx, true); err != nil {
			t.Errorf("destroy: %v", err)
		}
		f.noLeftovers()
	})
	return f
}

// project writes compose.yaml and loads it.
func (f *fixture) project(yaml string) *types.Project {
	f.t.Helper()
	if err := os.WriteFile(filepath.Join(f.dir, "compose.yaml"), []byte(yaml), 0o644); err != nil {
		f.t.Fatal(err)
	}
	p, err := load(f.dir, f.m.Project)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) up(p *types.Project, names ...string) (string, error) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f.out.Reset()
	return f.m.Up(ctx, p, names)
}

// id is the ID of a service's container, "" when it has none.
func (f *fixture) id(service string) string {
	f.t.Helper()
	res, err := f.api.ContainerInspect(context.Background(), ContainerName(f.m.Project, service), client.ContainerInspectOptions{})
	if err != nil {
		return ""
	}
	return res.Container.ID
}

func (f *fixture) noLeftovers() {
	f.t.Helper()
	ctx := context.Background()
	filter := projectFilter(f.m.Project)
	cs, _ := f.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	ns, _ := f.api.NetworkList(ctx, client.NetworkListOptions{Filters: filter})
	vs, _ := f.api.VolumeList(ctx, client.VolumeListOptions{Filters: filter})
	if n := len(cs.Items) + len(ns.Items) + len(vs.Items); n > 0 {
		f.t.Errorf("project %s left %d containers, %d networks, %d volumes", f.m.Project, len(cs.Items), len(ns.Items), len(vs.Items))
	}
}

func (f *fixture) wantOut(substr string) {
	f.t.Helper()
	if !strings.Contains(f.out.String(), substr) {
		f.t.Errorf("progress lacks %q:\n%s", substr, f.out)
	}
}

const healthyYAML = `services:
  web:
    image: gazr-test/busybox:1
    command: ["sleep", "1000"]
    init: true
    environment:
      GREETING: ${GREETING:-hello}
    healthcheck:
      test: ["CMD", "true"]
      interval: 100ms
  worker:
    image: gazr-test/busybox:1
    command: ["sleep", "1000"]
    init: true
    depends_on:
      web: {condition: service_healthy}
`

// TestUpReuseRecreate: a cold Up creates, a second one reuses, a changed
// definition recreates, a stopped service is started again.
func TestUpReuseRecreate(t *testing.T) {
	f := newFixture(t)
	p := f.project(healthyYAML)
	network, err := f.up(p, "worker")
	if err != nil {
		t.Fatalf("up: %v\n%s", err, f.out)
	}
	if network != NetworkName(f.m.Project) {
		t.Errorf("network = %q", network)
	}
	f.wantOut("▶ services web, worker")
	f.wantOut("✔ web healthy in")
	f.wantOut("✔ worker running in")
	web, worker := f.id("web"), f.id("worker")
	if web == "" || worker == "" {
		t.Fatal("containers missing after up")
	}

	if _, err := f.up(p, "worker"); err != nil {
		t.Fatalf("second up: %v", err)
	}
	f.wantOut("• web reused (healthy)")
	f.wantOut("• worker reused (running)")
	if f.id("web") != web || f.id("worker") != worker {
		t.Error("a reused service got a new container")
	}

	t.Setenv("GREETING", "bonjour")
	p = f.project(healthyYAML)
	if _, err := f.up(p, "web"); err != nil {
		t.Fatalf("up after a change: %v", err)
	}
	f.wantOut("(recreated: its definition changed)")
	if f.id("web") == web {
		t.Error("a changed service kept its container")
	}

	stopped, err := f.m.Stop(context.Background())
	if err != nil || strings.Join(stopped, ",") != "web,worker" {
		t.Fatalf("stop = %v, %v; want web, worker", stopped, err)
	}
	if _, err := f.up(p, "worker"); err != nil {
		t.Fatalf("up after stop: %v", err)
	}
	f.wantOut("(restarted)")
}

// TestUpUnhealthy: a service whose health check fails is reported with the
// probe's output and its logs, and removed with the network this Up made.
func TestUpUnhealthy(t *testing.T) {
	f := newFixture(t)
	p := f.project(`services:
  db:
    image: gazr-test/busybox:1
    command: ["sh", "-c", "echo booting db; sleep 1000"]
    init: true
    healthcheck:
      test: ["CMD-SHELL", "echo probe says no; exit 1"]
      interval: 100ms
      retries: 2
`)
	_, err := f.up(p, "db")
	var he *HealthError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want a HealthError", err)
	}
	if !strings.Contains(he.Probe, "probe says no") || he.ProbeExit != 1 {
		t.Errorf("probe = %q (exit %d)", he.Probe, he.ProbeExit)
	}
	if !strings.Contains(strings.Join(he.Logs, "\n"), "booting db") {
		t.Errorf("logs = %q", he.Logs)
	}
	f.wantOut("✘ db failed after")
	if f.id("db") != "" {
		t.Error("the unhealthy container is left")
	}
	f.noLeftovers()
}

// TestUpCancel: interrupting Up while a service starts removes it.
func TestUpCancel(t *testing.T) {
	f := newFixture(t)
	p := f.project(`services:
  slow:
    image: gazr-test/busybox:1
    command: ["sleep", "1000"]
    init: true
    healthcheck:
      test: ["CMD", "false"]
      interval: 10s
`)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for f.id("slow") == "" {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	_, err := f.m.Up(ctx, p, []string{"slow"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	f.noLeftovers()
}

// TestImageHealthcheck: without a compose healthcheck, the image's
// HEALTHCHECK decides (an image built here: docker import cannot set one).
func TestImageHealthcheck(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	dockerfile := "FROM " + busybox + "\n" +
		"HEALTHCHECK --interval=100ms --start-period=2s --retries=2 CMD test -f /tmp/ready || { echo not ready yet; exit 1; }\n" +
		"CMD [\"sh\", \"-c\", \"sleep ${DELAY:-0.5}; touch /tmp/ready; exec sleep 1000\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	tag := "gazr-test-tmp/healthcheck:" + f.m.Project
	ctx := context.Background()
	if _, err := image.Build(ctx, f.api, image.BuildRequest{Dir: dir, Tags: []string{tag}}, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = f.api.ImageRemove(context.Background(), tag, client.ImageRemoveOptions{Force: true}) })
	p := f.project(`services:
  ready:
    image: ` + tag + `
    init: true
  never:
    image: ` + tag + `
    init: true
    environment:
      DELAY: "1000"
`)
	start := time.Now()
	if _, err := f.up(p, "ready"); err != nil {
		t.Fatalf("up: %v\n%s", err, f.out)
	}
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Errorf("healthy after %s, before the image's check could pass", took)
	}
	f.wantOut("✔ ready healthy in")
	_, err := f.up(p, "never")
	var he *HealthError
	if !errors.As(err, &he) || !strings.Contains(he.Probe, "not ready yet") {
		t.Fatalf("err = %v, want a HealthError with the image's probe output", err)
	}
}

// TestDependsOnCompleted: a one-shot that others depend on with
// service_completed_successfully runs to completion first.
func TestDependsOnCompleted(t *testing.T) {
	f := newFixture(t)
	p := f.project(`services:
  migrate:
    image: gazr-test/busybox:1
    command: ["sh", "-c", "sleep 0.3; echo migrated > /state/done"]
    volumes: [state:/state]
  app:
    image: gazr-test/busybox:1
    command: ["sh", "-c", "cat /state/done && exec sleep 1000"]
    init: true
    volumes: [state:/state]
    healthcheck:
      test: ["CMD", "test", "-f", "/state/done"]
      interval: 100ms
    depends_on:
      migrate: {condition: service_completed_successfully}
volumes:
  state:
`)
	if _, err := f.up(p, "app"); err != nil {
		t.Fatalf("up: %v\n%s", err, f.out)
	}
	f.wantOut("✔ migrate completed in")
	f.wantOut("✔ app healthy in")
	vols, err := f.m.Volumes(context.Background())
	if err != nil || strings.Join(vols, ",") != f.m.Project+"_state" {
		t.Errorf("volumes = %v, %v", vols, err)
	}
	r, err := f.m.Destroy(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Containers) != 2 || len(r.Networks) != 1 || len(r.Volumes) != 0 || strings.Join(r.KeptVolumes, ",") != f.m.Project+"_state" {
		t.Errorf("destroy without volumes = %+v", r)
	}
	r, err = f.m.Destroy(context.Background(), true)
	if err != nil || strings.Join(r.Volumes, ",") != f.m.Project+"_state" || len(r.Containers)+len(r.Networks) != 0 {
		t.Errorf("destroy with volumes = %+v, %v", r, err)
	}
}

// TestMissingImage: an image that is not there and cannot be pulled.
func TestMissingImage(t *testing.T) {
	f := newFixture(t)
	p := f.project("services:\n  db:\n    image: gazr-test/no-such-image:0\n")
	_, err := f.up(p, "db")
	var ie *ImageError
	if !errors.As(err, &ie) || ie.Service != "db" {
		t.Fatalf("err = %v, want an ImageError", err)
	}
	f.noLeftovers()
}

// TestFollowOutlivesCtrlC: the lines a service wrote before the Ctrl-C
// and the ones it writes while it stops are shown, though the Ctrl-C
// (ctx) came before the log stream delivered them; a service kept
// running does not hold Close up.
func TestFollowOutlivesCtrlC(t *testing.T) {
	f := newFixture(t)
	p := f.project(`services:
  web:
    image: gazr-test/busybox:1
    command: ["sh", "-c", "trap 'echo web stopping; exit 0' TERM; echo web starting; while :; do sleep 0.1; done"]
  cache:
    image: gazr-test/busybox:1
    command: ["sleep", "1000"]
    init: true
`)
	since := time.Now()
	if _, err := f.up(p, "web", "cache"); err != nil {
		t.Fatalf("up: %v\n%s", err, f.out)
	}
	// The line is in the engine's log before the Ctrl-C.
	for deadline := time.Now().Add(10 * time.Second); ; {
		rc, err := f.api.ContainerLogs(context.Background(), f.id("web"), client.ContainerLogsOptions{ShowStdout: true})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(b, []byte("web starting")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("web wrote nothing in 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	ctx, ctrlC := context.WithCancel(context.Background())
	ctrlC() // before Follow even starts: the harshest timing
	var out bytes.Buffer
	logs, err := f.m.Follow(ctx, []string{"web", "cache"}, since, &out)
	if err != nil {
		t.Fatal(err)
	}
	if exit := logs.Wait(ctx); exit != nil {
		t.Fatalf("Wait after Ctrl-C = %+v, want nil", exit)
	}
	removed, err := f.m.Remove(context.Background(), []string{"web"})
	if err != nil || strings.Join(removed, ",") != "web" {
		t.Fatalf("remove = %v, %v", removed, err)
	}
	start := time.Now()
	logs.Close(removed, 10*time.Second)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v: the stream of the running cache held it up", d)
	}
	for _, want := range []string{"web   | web starting\n", "web   | web stopping\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
