package proxmox_test

import (
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
	"github.com/gazr-io/gazr/pkg/deploy/proxmox"
)

// testConformance runs the conformance suite against proxmox.New on the
// swarm cluster up made, skipping nothing.
func testConformance(t *testing.T, fx *fixture) {
	deploytest.Run(t, deploytest.Harness{
		New: func(t *testing.T, o deploy.BackendOptions) (deploy.Backend, error) { return proxmox.New(o) },
		Env: func(t *testing.T) *config.Environment { return fx.env(t) },
	})
}
