package image

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/gazr-io/gazr/pkg/enginetest"
)

// startRegistry runs the test registry on a random port of 127.0.0.1 (an
// insecure registry by default for the engine) and returns "127.0.0.1:port".
// The container and its volume go at the end of the test.
func startRegistry(t *testing.T, f *engineFixture) string {
	t.Helper()
	return enginetest.StartRegistry(t, f.api, container.Config{Image: registryImage,
		Labels: map[string]string{testLabel: f.id}}, http.StatusOK)
}

// buildSmall builds a one-file image tagged ref.
func buildSmall(t *testing.T, f *engineFixture, ref string) {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM " + busyboxImage + "\n" + f.label() + "\nCOPY id.txt /\n",
		"id.txt":     f.id,
	})
	if _, err := Build(context.Background(), f.api, BuildRequest{Dir: dir, Tags: []string{ref}}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPush(t *testing.T) {
	f := newEngineFixture(t, busyboxImage, registryImage)
	host := startRegistry(t, f)
	ref, err := Ref(host, "gazr-test-tmp", "push", f.id)
	if err != nil {
		t.Fatal(err)
	}
	buildSmall(t, f, ref)

	start := time.Now()
	var progress bytes.Buffer
	digest, err := Push(context.Background(), f.api, ref, "", &progress)
	if err != nil {
		t.Fatalf("Push: %v\n%s", err, progress.String())
	}
	t.Logf("push of a 2-layer busybox image to a local registry: %s\n%s", time.Since(start).Round(time.Millisecond), progress.String())
	if !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(digest) {
		t.Fatalf("digest %q", digest)
	}
	if !strings.Contains(progress.String(), "Pushed") {
		t.Errorf("no layer progress:\n%s", progress.String())
	}

	var tags struct{ Tags []string }
	getJSON(t, "http://"+host+"/v2/gazr-test-tmp/push/tags/list", "", &tags)
	if !slices.Contains(tags.Tags, f.id) {
		t.Errorf("registry tags %v, want %s", tags.Tags, f.id)
	}
	hdr := getJSON(t, "http://"+host+"/v2/gazr-test-tmp/push/manifests/"+f.id,
		"application/vnd.docker.distribution.manifest.v2+json", nil)
	if got := hdr.Get("Docker-Content-Digest"); got != digest {
		t.Errorf("registry's manifest digest %s, Push returned %s", got, digest)
	}

	// Pushing again uploads nothing and names the same manifest.
	progress.Reset()
	again, err := Push(context.Background(), f.api, ref, "", &progress)
	if err != nil || again != digest || !strings.Contains(progress.String(), "already in the registry") {
		t.Errorf("second push: %s, %v, want %s\n%s", again, err, digest, progress.String())
	}
}

// getJSON GETs url, decodes its JSON body into v (unless nil) and returns
// the response headers.
func getJSON(t *testing.T, url, accept string, v any) http.Header {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return resp.Header
}

func TestPushRegistryDown(t *testing.T) {
	f := newEngineFixture(t, busyboxImage)
	// A port nothing listens on any more.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	l.Close()
	ref, err := Ref(host, "gazr-test-tmp", "down", f.id)
	if err != nil {
		t.Fatal(err)
	}
	buildSmall(t, f, ref)
	start := time.Now()
	_, err = Push(context.Background(), f.api, ref, "", nil)
	if err == nil || !strings.HasPrefix(err.Error(), "push "+ref+": ") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Push to a closed port: %v, want push %s: … connection refused", err, ref)
	}
	t.Logf("failed in %s: %v", time.Since(start).Round(time.Millisecond), err)
}
