package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildKitCacheMount builds twice with a RUN --mount=type=cache: the
// second build sees what the first left in the cache. The cache mount's
// id is the test's, so that the first build finds it empty; it stays in
// the engine's build cache (a few bytes) until a `docker builder prune`.
func TestBuildKitCacheMount(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "")
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\nARG RUN\n" +
			"RUN --mount=type=cache,id=gazr-test-" + f.id + ",target=/cache " +
			`echo "build $RUN sees: $(cat /cache/seen 2>/dev/null || echo nothing)" && echo "$RUN" >> /cache/seen` + "\n",
	})
	for _, run := range []struct{ name, want string }{
		{"first", "build first sees: nothing"},
		{"second", "build second sees: first"},
	} {
		var progress bytes.Buffer
		start := time.Now()
		_, err := Build(t.Context(), f.api, BuildRequest{Dir: dir, Tags: []string{f.tag("cache")}, Args: map[string]string{"RUN": run.name}}, &progress)
		if err != nil {
			t.Fatalf("%s build: %v\n%s", run.name, err, progress.String())
		}
		t.Logf("%s build: %s", run.name, time.Since(start).Round(time.Millisecond))
		if !strings.Contains(progress.String(), run.want) {
			t.Errorf("%s build: progress does not show %q:\n%s", run.name, run.want, progress.String())
		}
	}
}

// TestBuildKitSecret gives a build secret from a file and one from the
// environment through the session: the RUN step reads both, and neither
// is in the image (its layers, its config and its history), which holds
// only their digests, written by the step as proof that it read them.
// The step names the test's id: BuildKit's cache key leaves out secrets'
// content (and LABEL makes no layer), so the step of another run of this
// test would be taken from the cache with that run's digests.
func TestBuildKitSecret(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "")
	fileSecret, envSecret := "file-"+randomID(), "env-"+randomID()
	t.Setenv("GAZR_TEST_BUILD_SECRET", envSecret)
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\n" +
			"RUN --mount=type=secret,id=token --mount=type=secret,id=env,target=/env " +
			`cat /run/secrets/token /env | sha256sum > /proof && echo "secrets $((6*7))" ` + f.id + "\n",
	})
	secretFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(secretFile, []byte(fileSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	id, err := Build(t.Context(), f.api, BuildRequest{Dir: dir, Tags: []string{f.tag("secret")}, Secrets: map[string]BuildSecret{
		"token": {File: secretFile}, "env": {Env: "GAZR_TEST_BUILD_SECRET"},
	}}, &progress)
	if err != nil {
		t.Fatalf("Build: %v\n%s", err, progress.String())
	}
	if !strings.Contains(progress.String(), "secrets 42") {
		t.Errorf("progress does not show the RUN's output:\n%s", progress.String())
	}
	sum := sha256.Sum256([]byte(fileSecret + envSecret))
	proof := hex.EncodeToString(sum[:])
	saved := saveImage(t, f, id)
	if !bytes.Contains(saved, []byte(proof)) {
		t.Errorf("the image does not hold the digest of the secrets (%s): the RUN step did not read them", proof)
	}
	for _, secret := range []string{fileSecret, envSecret} {
		if bytes.Contains(saved, []byte(secret)) {
			t.Errorf("the image holds the secret %q", secret)
		}
	}
}

// saveImage returns `docker save` of image: a tar of its config and
// of its layers, which Docker 20.10 writes uncompressed.
func saveImage(t *testing.T, f *engineFixture, image string) []byte {
	t.Helper()
	r, err := f.api.ImageSave(t.Context(), []string{image})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBuildKitFailingRun: the error names the Dockerfile line and the
// step, with the step's last output lines and the command's exit code.
func TestBuildKitFailingRun(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "")
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\n" +
			"# the failing step is on line 5, continued on line 6\nRUN echo passing\n" +
			`RUN echo "about to fail: $((6*7))" && \` + "\n    exit 3\n",
	})
	tag := f.tag("fail")
	var progress bytes.Buffer
	_, err := Build(t.Context(), f.api, BuildRequest{Dir: dir, Tags: []string{tag}}, &progress)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Build error %v (%T), want a *BuildError", err, err)
	}
	msg := err.Error()
	t.Logf("the error reads:\n%s", msg)
	for _, want := range []string{"build " + tag + ": Dockerfile:5: RUN echo \"about to fail", "exit code: 3", "last output lines:\n  about to fail: 42"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not contain %q:\n%s", want, msg)
		}
	}
	if !strings.Contains(progress.String(), "about to fail: 42") || !strings.Contains(progress.String(), "ERROR") {
		t.Errorf("progress does not show the failing step:\n%s", progress.String())
	}
}

// TestBuildLegacyForced: DOCKER_BUILDKIT=0 builds with the legacy builder,
// which refuses a cache mount, and the error says why it was used.
func TestBuildLegacyForced(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "0")
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\nRUN --mount=type=cache,target=/cache ls /cache\n",
	})
	_, err := Build(t.Context(), f.api, BuildRequest{Dir: dir, Tags: []string{f.tag("legacy")}}, nil)
	if err == nil || !strings.Contains(err.Error(), "requires BuildKit") || !strings.Contains(err.Error(), "DOCKER_BUILDKIT=0 forces the legacy builder") {
		t.Fatalf("Build error %v, want the legacy builder's refusal and why it was used", err)
	}
	t.Logf("the error reads:\n%s", err)
	_, err = Build(t.Context(), f.api, BuildRequest{Dir: dir, Secrets: map[string]BuildSecret{"x": {Env: "X"}}}, nil)
	if err == nil || !strings.Contains(err.Error(), "build secrets need BuildKit") {
		t.Errorf("Build with secrets: %v, want a refusal before building", err)
	}
}

// TestBuildKitCancel cancels a BuildKit build during a long RUN: Build
// returns at once.
func TestBuildKitCancel(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "")
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\nRUN echo \"step $((6*7)) running\" && sleep 120\n",
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
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
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Build after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Build did not return within 10s of cancellation")
	}
}

// TestBuildKitMissingBase: BuildKit takes a base image from the engine's
// image store (every other test here builds offline from one); one that
// is not there it asks its registry for, and the error names it.
func TestBuildKitMissingBase(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "")
	f := newEngineFixture(t, busyboxImage)
	dir := t.TempDir()
	base := "gazr-test/absent-" + f.id + ":1"
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM " + base + "\n" + f.label() + "\nRUN true\n"})
	_, err := Build(t.Context(), f.api, BuildRequest{Dir: dir, Tags: []string{f.tag("absent")}}, nil)
	var be *BuildError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "docker.io/"+base) {
		t.Fatalf("Build error %v (%T), want a *BuildError naming docker.io/%s", err, err, base)
	}
	t.Logf("the error reads:\n%s", err)
}
