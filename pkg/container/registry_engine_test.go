package container

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/image"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/registryauth"
)

// Test images, built offline by integration/images/build.sh.
const (
	busyboxImage  = "gazr-test/busybox:1"
	registryImage = "gazr-test/registry:2"
)

// The private registry's one user; the hash is bcrypt (cost 4) of the
// password, the only scheme the registry's htpasswd accepts.
const (
	registryUser     = "gazr"
	registryPassword = "gazr-test-pw"
	registryHtpasswd = "gazr:$2a$04$EkGc.t.AjVbk6p0yojEsrugaV7TNFYNbXCtgZ7xlgR6nL.tire6Va"
)

// TestPrivateRegistryStep: after `docker login` (an auths entry in the
// docker config), a step whose image is in a registry behind basic auth
// pulls it and runs; with no credentials the pull is refused.
func TestPrivateRegistryStep(t *testing.T) {
	api := enginetest.Connect(t, busyboxImage, registryImage)
	ctx := context.Background()
	host := startPrivateRegistry(t, api)

	id := make([]byte, 6)
	rand.Read(id)
	ref := host + "/gazr-test-tmp/private:" + hex.EncodeToString(id)
	if _, err := api.ImageTag(ctx, client.ImageTagOptions{Source: busyboxImage, Target: ref}); err != nil {
		t.Fatal(err)
	}
	removeRef := func() {
		api.ImageRemove(context.Background(), ref, client.ImageRemoveOptions{Force: true})
	}
	t.Cleanup(removeRef)

	// No credentials: the push and the pull are refused.
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if _, err := image.Push(ctx, api, ref, "", nil); err == nil {
		t.Fatal("anonymous push to a registry behind basic auth succeeded")
	}

	login(t, host)
	auth, err := registryauth.ForHost(host)
	if err != nil || auth == "" {
		t.Fatalf("ForHost(%s) = %q, %v; want credentials", host, auth, err)
	}
	if _, err := image.Push(ctx, api, ref, auth, nil); err != nil {
		t.Fatalf("push with the docker config's credentials: %v", err)
	}
	removeRef()

	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if err := Pull(ctx, api, ref, nil); err == nil {
		t.Fatal("anonymous pull from a registry behind basic auth succeeded")
	}

	login(t, host)
	var stdout, stderr bytes.Buffer
	r := &Runner{API: api, Project: "gazr-test-private", Stdout: &stdout, Stderr: &stderr}
	step := &plan.Step{Verb: "private", Image: plan.Value{Value: ref}, Commands: []string{"echo private-ok"}}
	if err := r.Run(ctx, step); err != nil {
		t.Fatalf("step with a private image: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "private-ok") {
		t.Errorf("step output %q, want private-ok", stdout.String())
	}

	// A build whose base image is private pulls it with the credentials.
	removeRef()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+ref+"\nRUN echo built\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	built := "gazr-test-tmp/private-build:" + hex.EncodeToString(id)
	t.Cleanup(func() {
		api.ImageRemove(context.Background(), built, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})
	var progress bytes.Buffer
	if _, err := image.Build(ctx, api, image.BuildRequest{Dir: dir, Tags: []string{built}}, &progress); err != nil {
		t.Fatalf("build FROM a private image: %v\n%s", err, progress.String())
	}
}

// login writes a docker config holding the registry's credentials, as
// `docker login` does without a credential store, and points
// DOCKER_CONFIG at it.
func login(t *testing.T, host string) {
	t.Helper()
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(registryUser + ":" + registryPassword))
	config := `{"auths":{"` + host + `":{"auth":"` + auth + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

// startPrivateRegistry runs a registry behind basic auth, published on a
// loopback port (which engines trust without TLS), and returns its
// host:port once it answers.
func startPrivateRegistry(t *testing.T, api *client.Client) string {
	t.Helper()
	return enginetest.StartRegistry(t, api, container.Config{
		Image: registryImage,
		Env: []string{
			"HTPASSWD=" + registryHtpasswd,
			"REGISTRY_AUTH=htpasswd",
			"REGISTRY_AUTH_HTPASSWD_REALM=gazr-test",
			"REGISTRY_AUTH_HTPASSWD_PATH=/tmp/htpasswd",
		},
		Entrypoint: []string{"sh", "-c", `printf '%s\n' "$HTPASSWD" >/tmp/htpasswd && exec docker-registry serve /etc/docker/registry/config.yml`},
		Cmd:        []string{},
	}, http.StatusUnauthorized)
}
