package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/local"
)

// backends are the deploy backends this build of gazr has, by name:
// registered explicitly here, not by package init side effects.
var backends = map[string]deploy.Factory{
	"local": local.New,
}

// Target is a project's environment, resolved for a command.
type Target struct {
	Project *Project
	Env     *config.Environment
	Backend deploy.Backend
}

// LoadTarget loads the project and the env called name with its backend.
func (f *Factory) LoadTarget(name string) (*Target, error) {
	p, err := f.LoadProject()
	if err != nil {
		return nil, err
	}
	env, err := p.Config.Env(name)
	if err != nil {
		return nil, &UsageError{Err: fmt.Errorf("cannot use env: %w", err)}
	}
	factory, ok := backends[env.Backend]
	if !ok {
		return nil, fmt.Errorf("env %s: the %s backend is not available in this version of gazr (available: %s)", env.Name, env.Backend, strings.Join(backendNames(), ", "))
	}
	b, err := factory(env)
	if err != nil {
		return nil, err
	}
	if lb, ok := b.(*local.Backend); ok {
		lb.Log = f.IO.ErrOut
		// Status, logs, a dry run… change nothing, not even the engine's
		// swarm state: on an engine in no swarm they say so. A deploy
		// turns this off (runDeploy).
		lb.NoInit = true
	}
	return &Target{Project: p, Env: env, Backend: b}, nil
}

func backendNames() []string {
	var names []string
	for n := range backends {
		names = append(names, n)
	}
	return names
}

// builder connects to the engine that builds images: the local one.
func (f *Factory) builder(ctx context.Context) (deploy.BuildAPI, error) {
	return container.Connect(ctx)
}
