package app

import (
	"cmp"
	"context"
	"errors"
	"os"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// onEnv is the shared start of the commands that act on a deployed env:
// load the env's target, connect to its swarm manager, and call fn with
// the stack's namespace. The manager's client is closed afterwards. None
// of these commands may initialise a swarm.
func onEnv(ctx context.Context, target func(string, swarmInit) (*Target, error), env string,
	fn func(t *Target, api deploy.SwarmAPI, ns string) error) error {
	return onEnvReport(ctx, target, env, fn, nil)
}

// onEnvReport is onEnv for the reports (status, history): an engine in
// no swarm has nothing deployed, which empty reports (with the reason)
// instead of an error; a fresh laptop's `gazr status` is not a failure.
// With empty nil, no swarm is an error, as for the other commands.
func onEnvReport(ctx context.Context, target func(string, swarmInit) (*Target, error), env string,
	fn func(t *Target, api deploy.SwarmAPI, ns string) error, empty func(t *Target, ns, why string) error) error {
	t, err := target(env, noInit)
	if err != nil {
		return err
	}
	ns := deploy.Namespace(t.Project.Config.Name, t.Env.Name)
	api, err := t.Backend.Manager(ctx)
	if empty != nil && errors.Is(err, deploy.ErrNoSwarm) {
		return empty(t, ns, "the engine is not part of a swarm: gazr deploy initialises one")
	}
	if err != nil {
		return managerError(t.Env, err)
	}
	defer api.Close()
	return fn(t, api, ns)
}

// managerError turns an unreachable manager of the local backend into a
// *ManagerError naming the endpoint it tried: the env's manager, else
// DOCKER_HOST, else the engine's default socket. Other errors pass
// unchanged, a backend's own unreachable managers too: it finds them
// itself (instances of a group) and names each with its error (ssh's own
// words), which DOCKER_HOST would only hide. exitCode gives both 125.
func managerError(env *config.Environment, err error) error {
	if !errors.Is(err, deploy.ErrUnreachable) || env.Backend != "local" {
		return err
	}
	host := cmp.Or(env.Manager, os.Getenv("DOCKER_HOST"), client.DefaultDockerHost)
	return &ManagerError{Env: env.Name, Host: host, Configured: env.Manager != "", Err: err}
}
