package app

import (
	"context"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// onEnv is the shared start of the commands that act on a deployed env:
// load the env's target, connect to its swarm manager, and call fn with
// the stack's namespace. The manager's client is closed afterwards. None
// of these commands may initialise a swarm.
func onEnv(ctx context.Context, target func(string, swarmInit) (*Target, error), env string,
	fn func(t *Target, api deploy.SwarmAPI, ns string) error) error {
	t, err := target(env, noInit)
	if err != nil {
		return err
	}
	api, err := t.Backend.Manager(ctx)
	if err != nil {
		return err
	}
	defer api.Close()
	return fn(t, api, deploy.Namespace(t.Project.Config.Name, t.Env.Name))
}
