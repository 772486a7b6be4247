package enginetest

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// StartRegistry runs a registry container made from cfg (its image, env,
// entrypoint, labels) with port 5000 published on a random port of
// 127.0.0.1 (which engines trust without TLS), removes it and its volumes
// when the test ends, and returns "127.0.0.1:port" once GET /v2/ answers
// ready: 200 for an open registry, 401 for one behind auth.
func StartRegistry(t testing.TB, api client.ContainerAPIClient, cfg container.Config, ready int) string {
	t.Helper()
	ctx := context.Background()
	port := network.MustParsePort("5000/tcp")
	cfg.ExposedPorts = network.PortSet{port: {}}
	c, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &cfg,
		HostConfig: &container.HostConfig{PortBindings: network.PortMap{
			port: {{HostIP: netip.MustParseAddr("127.0.0.1")}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		api.ContainerRemove(context.Background(), c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	})
	if _, err := api.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := api.ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bindings := res.Container.NetworkSettings.Ports[port]
	if len(bindings) == 0 {
		t.Fatalf("registry container has no published port: %+v", res.Container.NetworkSettings.Ports)
	}
	host := "127.0.0.1:" + bindings[0].HostPort
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == ready {
				return host
			}
			err = fmt.Errorf("GET /v2/: %s, want %d", resp.Status, ready)
		}
		if time.Now().After(deadline) {
			t.Fatalf("registry at %s not ready after 20s: %v", host, err)
		}
	}
}
