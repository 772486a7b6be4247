package local_test

import (
	"context"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/deploy/local"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

func newLocal(t *testing.T, o deploy.BackendOptions) (deploy.Backend, error) { return local.New(o) }

// TestConformanceHost runs the conformance suite against the host engine's
// swarm (initialised if the engine is in none, and left so): one node,
// so the tests that need another node skip, saying so.
func TestConformanceHost(t *testing.T) {
	t.Parallel()
	enginetest.Connect(t, deploytest.DefaultImage)
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
	enginetest.Connect(t, swarmbed.DefaultImage, deploytest.DefaultImage)
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
