package local_test

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/deploy/local"
)

func newLocal(t *testing.T, o deploy.BackendOptions) (deploy.Backend, error) { return local.New(o) }

// TestConformanceHost runs the conformance suite against the host engine's
// swarm (initialised if the engine is in none, and left so): one node,
// so the tests that need another node skip, saying so.
func TestConformanceHost(t *testing.T) {
	t.Parallel()
	requireEngine(t, deploytest.DefaultImage)
	deploytest.Run(t, deploytest.Harness{
		New: newLocal,
		Env: func(t *testing.T) *config.Environment { return config.LocalEnv() },
	})
}

// TestConformanceSwarmbed runs the conformance suite against a bed of one
// manager and two workers reached over plain tcp:// (insecure = true), for
// what a single node cannot show: Nodes' flags on workers, StopTask on a
// node other than the manager's (the local backend kills containers
// through the manager's engine only: ErrNotSupported there), StopNode
// moving tasks.
func TestConformanceSwarmbed(t *testing.T) {
	t.Parallel()
	requireEngine(t, swarmbed.DefaultImage, deploytest.DefaultImage)
	t0 := time.Now()
	bed, err := swarmbed.Start(t.Context(), swarmbed.Options{
		Nodes: 3, Managers: 1, Images: []string{deploytest.DefaultImage}, Logf: t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := bed.Close(ctx); err != nil {
			t.Errorf("close bed: %v", err)
		}
	})
	t.Logf("bed of 3 nodes started in %s", time.Since(t0).Round(time.Millisecond))
	deploytest.Run(t, deploytest.Harness{
		New: newLocal,
		Env: func(t *testing.T) *config.Environment {
			env := config.LocalEnv()
			env.Name, env.Manager, env.Insecure = "bed", bed.Nodes[0].Host, true
			return env
		},
	})
}

// requireEngine skips the test when no engine answers or it lacks an image.
func requireEngine(t *testing.T, images ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("real-engine test (-short)")
	}
	c, err := client.New(client.FromEnv)
	if err != nil {
		t.Skipf("no container engine: %v", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		t.Skipf("no container engine answers (%s): %v", c.DaemonHost(), err)
	}
	for _, img := range images {
		if _, err := c.ImageInspect(ctx, img); err != nil {
			t.Skipf("image %s missing on the host engine (integration/images/build.sh builds it): %v", img, err)
		}
	}
}
