package image

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func TestBuildCopyLabelsArgs(t *testing.T) {
	for _, builder := range []struct{ env, marker string }{{"0", "Step 1/"}, {"", "#1 "}} {
		t.Run("DOCKER_BUILDKIT="+builder.env, func(t *testing.T) {
			t.Setenv("DOCKER_BUILDKIT", builder.env)
			testBuildCopyLabelsArgs(t, builder.marker)
		})
	}
}

// testBuildCopyLabelsArgs builds with the builder the environment picks,
// whose progress shows marker.
func testBuildCopyLabelsArgs(t *testing.T, marker string) {
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + " from.dockerfile=yes\n" +
			"ARG GREETING\nCOPY . /ctx/\n" +
			`RUN test "$GREETING" = hi && test -f /ctx/hello.txt && test ! -e /ctx/secret.env && ls -a /ctx` + "\n",
		".dockerignore": "*.env\n",
		"hello.txt":     "hello\n",
		"secret.env":    "TOKEN=x\n",
	})
	tags := []string{f.tag("copy"), f.tag("copy-alias")}
	var progress bytes.Buffer
	id, err := Build(context.Background(), f.api, BuildRequest{
		Dir:    dir,
		Tags:   tags,
		Labels: map[string]string{"io.gazr.project": "demo", "org.opencontainers.image.revision": "0123456789ab"},
		Args:   map[string]string{"GREETING": "hi"},
	}, &progress)
	if err != nil {
		t.Fatalf("Build: %v\n%s", err, progress.String())
	}
	if !strings.HasPrefix(id, "sha256:") {
		t.Errorf("image ID %q", id)
	}
	if !strings.Contains(progress.String(), marker) {
		t.Errorf("no build output in progress:\n%s", progress.String())
	}
	img, err := f.api.ImageInspect(context.Background(), tags[0])
	if err != nil {
		t.Fatal(err)
	}
	if img.ID != id {
		t.Errorf("%s is %s, Build returned %s", tags[0], img.ID, id)
	}
	for k, v := range map[string]string{"from.dockerfile": "yes", "io.gazr.project": "demo", "org.opencontainers.image.revision": "0123456789ab"} {
		if img.Config.Labels[k] != v {
			t.Errorf("label %s = %q, want %q (labels %v)", k, img.Config.Labels[k], v, img.Config.Labels)
		}
	}
	for _, tag := range tags {
		if !slices.Contains(img.RepoTags, tag) {
			t.Errorf("tags %v, want %s", img.RepoTags, tag)
		}
	}
}

func TestBuildMultiStage(t *testing.T) {
	f := newEngineFixture(t, busyboxImage, goImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + goImage + " AS build\n" + f.label() + "\nWORKDIR /src\nCOPY main.go .\n" +
			"RUN CGO_ENABLED=0 go build -o /out/hello main.go\n" +
			"FROM " + busyboxImage + "\n" + f.label() + "\nCOPY --from=build /out/hello /usr/local/bin/hello\n" +
			`CMD ["hello"]` + "\n",
		"main.go": "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello from gazr\\n\") }\n",
	})
	ctx := context.Background()
	start := time.Now()
	var progress bytes.Buffer
	id, err := Build(ctx, f.api, BuildRequest{Dir: dir, Tags: []string{f.tag("hello")}}, &progress)
	if err != nil {
		t.Fatalf("Build: %v\n%s", err, progress.String())
	}
	t.Logf("multi-stage build (go build + busybox, cold): %s", time.Since(start).Round(time.Millisecond))
	if out := runImage(t, f, id); out != "hello from gazr" {
		t.Errorf("the image printed %q", out)
	}

	// The build stage alone, from the cache this time.
	start = time.Now()
	stage, err := Build(ctx, f.api, BuildRequest{Dir: dir, Target: "build", Tags: []string{f.tag("hello-build")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("target build stage (cached): %s", time.Since(start).Round(time.Millisecond))
	img, err := f.api.ImageInspect(ctx, stage)
	if err != nil {
		t.Fatal(err)
	}
	if stage == id || img.Config.WorkingDir != "/src" {
		t.Errorf("Target build: got image %s with workdir %q, want the build stage (/src)", stage, img.Config.WorkingDir)
	}
}

// runImage runs image's default command and returns its trimmed output.
func runImage(t *testing.T, f *engineFixture, image string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := f.api.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{
		Image: image, Tty: true, Labels: map[string]string{testLabel: f.id},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.api.ContainerRemove(context.Background(), c.ID, client.ContainerRemoveOptions{Force: true})
	if _, err := f.api.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	wait := f.api.ContainerWait(ctx, c.ID, client.ContainerWaitOptions{})
	select {
	case <-wait.Result:
	case err := <-wait.Error:
		t.Fatal(err)
	}
	logs, err := f.api.ContainerLogs(ctx, c.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	out, _ := io.ReadAll(logs)
	return strings.TrimSpace(string(out))
}

func TestBuildFailingRun(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "0") // BuildKit: buildkit_test.go
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\n" +
			`RUN echo "about to fail: $((6*7))" && false` + "\n",
	})
	tag := f.tag("fail")
	_, err := Build(context.Background(), f.api, BuildRequest{Dir: dir, Tags: []string{tag}}, nil)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Build error %v (%T), want a *BuildError", err, err)
	}
	msg := err.Error()
	t.Logf("the error reads:\n%s", msg)
	for _, want := range []string{"build " + tag + ": ", "returned a non-zero code: 1", "about to fail: 42"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not contain %q:\n%s", want, msg)
		}
	}
	if len(be.Output) == 0 || len(be.Output) > 10 {
		t.Errorf("BuildError.Output has %d lines, want 1 to 10", len(be.Output))
	}
	waitNoContainers(t, f, "after a failed build")
}

func TestBuildDockerfileError(t *testing.T) {
	f := newEngineFixture(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"build/Dockerfile.bad": "FROMM " + busyboxImage + "\n"})
	_, err := Build(context.Background(), f.api, BuildRequest{Dir: dir, Dockerfile: "build/Dockerfile.bad"}, nil)
	if err == nil || !strings.Contains(err.Error(), "FROMM") {
		t.Fatalf("Build error %v, want the engine's complaint about FROMM", err)
	}
}

// TestBuildCancel cancels a legacy build during a long RUN: Build returns
// at once and the engine removes the step's container.
func TestBuildCancel(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "0") // BuildKit: buildkit_test.go
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\nRUN echo \"step $((6*7)) running\" && sleep 120\n",
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The marker is computed so that the "Step 3/3 : RUN …" line does not
	// contain it: only the running container prints it.
	started := &signalWriter{want: "step 42 running", seen: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := Build(ctx, f.api, BuildRequest{Dir: dir, Tags: []string{f.tag("cancel")}}, started)
		done <- err
	}()
	select {
	case <-started.seen:
	case err := <-done:
		t.Fatalf("Build ended before the RUN step: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the RUN step did not start within 60s")
	}
	if len(f.containers(ctx)) == 0 {
		t.Fatal("no build container while RUN runs: the leftover check below would prove nothing")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Build after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Build did not return within 10s of cancellation")
	}
	waitNoContainers(t, f, "after a cancelled build")
}

// signalWriter closes seen once want has been written to it.
type signalWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	want string
	seen chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := strings.Contains(w.buf.String(), w.want)
	w.buf.Write(p)
	if !had && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
	}
	return len(p), nil
}

// waitNoContainers fails unless the test's containers are all gone within
// 30s (the engine removes build containers asynchronously).
func waitNoContainers(t *testing.T, f *engineFixture, when string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := f.containers(context.Background())
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d build container(s) left: %.12s", when, len(left), left)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
