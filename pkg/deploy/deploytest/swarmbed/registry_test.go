package swarmbed_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// TestRegistry pushes an image from a node to the bed's registry, then
// runs a global service of it: every node pulls it from the registry. It
// also covers worker nodes (1 manager, 2 workers).
func TestRegistry(t *testing.T) {
	t.Parallel()
	b := startBed(t, swarmbed.Options{Nodes: 3, Managers: 1, Registry: true, Images: []string{busybox}})
	if b.RegistryAddr == "" {
		t.Fatal("no RegistryAddr with Registry: true")
	}
	ref := b.RegistryAddr + "/x:1"

	// Push from node 0: the host engine does not trust the registry, the
	// nodes do.
	c0, err := b.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c0.ImageTag(t.Context(), client.ImageTagOptions{Source: busybox, Target: ref}); err != nil {
		t.Fatal(err)
	}
	// Engine 20.10 refuses a push without X-Registry-Auth: send empty
	// credentials (base64url of "{}").
	push, err := c0.ImagePush(t.Context(), ref, client.ImagePushOptions{RegistryAuth: noAuth})
	if err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	if err := push.Wait(t.Context()); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	// Without the tag on node 0 too, every node has to pull.
	if _, err := c0.ImageRemove(t.Context(), ref, client.ImageRemoveOptions{}); err != nil {
		t.Fatal(err)
	}

	// The host reaches the registry over plain HTTP.
	catalog := httpGet(t, "http://"+b.RegistryAddr+"/v2/_catalog")
	if !strings.Contains(catalog, `"x"`) {
		t.Fatalf("registry catalog %s: want repository x", catalog)
	}

	m := manager(t, b)
	res, err := m.ServiceCreate(t.Context(), client.ServiceCreateOptions{
		QueryRegistry: true, // the manager pins the digest, as `docker service create` does
		Spec: swarm.ServiceSpec{
			Annotations: swarm.Annotations{Name: "pulled"},
			Mode:        swarm.ServiceMode{Global: &swarm.GlobalService{}},
			TaskTemplate: swarm.TaskSpec{
				ContainerSpec: &swarm.ContainerSpec{Image: ref, Command: []string{"sleep", "3600"}},
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("service create warnings (digest not resolved?): %v", res.Warnings)
	}
	waitTasks(t, b.Manager, "pulled", time.Minute, runningOn(3, true, ""))
	for i := range b.Nodes {
		c, err := b.Client(i)
		if err != nil {
			t.Fatal(err)
		}
		imgs, err := c.ImageList(t.Context(), client.ImageListOptions{Filters: client.Filters{}.Add("reference", b.RegistryAddr+"/x")})
		if err != nil {
			t.Fatal(err)
		}
		if len(imgs.Items) == 0 {
			t.Errorf("node %d has no %s/x image: it did not pull", i, b.RegistryAddr)
		}
	}
}

var noAuth = base64.URLEncoding.EncodeToString([]byte("{}"))

func httpGet(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s from the host: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s %v", url, resp.Status, body, err)
	}
	return string(body)
}
