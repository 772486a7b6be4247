package image

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/enginetest"
)

// Test images, built offline by integration/images/build.sh.
const (
	busyboxImage  = "gazr-test/busybox:1"
	goImage       = "gazr-test/go:1.26"
	registryImage = "gazr-test/registry:2"
)

// testLabel marks what the integration tests create (every build stage
// sets it first, so that intermediate images and containers carry it too),
// valued with the test's id so that cleanup removes its objects only.
const testLabel = "io.gazr.test"

// engineFixture is a connection to the engine and the id of one test's
// images ("gazr-test-tmp/<name>:<id>") and containers.
type engineFixture struct {
	t   *testing.T
	api *client.Client
	id  string
}

// newEngineFixture connects to the engine through enginetest (whose
// policy decides what happens when none answers or a test image is
// missing), and removes at the end of the test every image and container
// labelled with the test's id.
func newEngineFixture(t *testing.T, images ...string) *engineFixture {
	t.Helper()
	api := enginetest.Connect(t, images...)
	b := make([]byte, 6)
	rand.Read(b)
	f := &engineFixture{t: t, api: api, id: hex.EncodeToString(b)}
	t.Cleanup(f.cleanup)
	return f
}

// tag returns a unique tag for the test's image called name.
func (f *engineFixture) tag(name string) string { return "gazr-test-tmp/" + name + ":" + f.id }

// label is the Dockerfile instruction every test stage starts with.
func (f *engineFixture) label() string { return fmt.Sprintf("LABEL %s=%s", testLabel, f.id) }

// filter selects the test's objects.
func (f *engineFixture) filter() client.Filters {
	return client.Filters{}.Add("label", testLabel+"="+f.id)
}

// containers lists the test's containers, stopped ones included.
func (f *engineFixture) containers(ctx context.Context) []string {
	res, err := f.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f.filter()})
	if err != nil {
		f.t.Errorf("list containers: %v", err)
		return nil
	}
	var ids []string
	for _, c := range res.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

// cleanup removes the test's containers, then its images, children before
// parents (an image with children cannot be removed), by ID so that every
// tag goes too.
func (f *engineFixture) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, id := range f.containers(ctx) {
		if _, err := f.api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			f.t.Errorf("cleanup: remove container %.12s: %v", id, err)
		}
	}
	for round := 0; ; round++ {
		res, err := f.api.ImageList(ctx, client.ImageListOptions{All: true, Filters: f.filter()})
		if err != nil {
			f.t.Errorf("cleanup: list images: %v", err)
			return
		}
		if len(res.Items) == 0 {
			return
		}
		if round == 10 {
			f.t.Errorf("cleanup: %d image(s) labelled %s=%s left", len(res.Items), testLabel, f.id)
			return
		}
		for _, img := range res.Items {
			// Parents of images not yet removed fail this round.
			f.api.ImageRemove(ctx, img.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		}
	}
}

// writeFiles writes name → content files under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
