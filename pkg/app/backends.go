package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws"
	"github.com/gazr-io/gazr/pkg/deploy/local"
	"github.com/gazr-io/gazr/pkg/deploy/proxmox"
)

// backends are the deploy backends this build of gazr has, by name:
// registered explicitly here, not by package init side effects.
var backends = map[string]deploy.Factory{
	"local":   local.New,
	"aws":     aws.New,
	"proxmox": proxmox.New,
}

// Target is a project's environment, resolved for a command.
type Target struct {
	Project *Project
	Env     *config.Environment
	Backend deploy.Backend
}

// swarmInit says whether a command may make an engine a swarm: only a
// deploy may; status, logs, a dry run… change nothing, not even the
// engine's swarm state, and on an engine in no swarm they say so.
type swarmInit bool

const (
	noInit  swarmInit = false
	mayInit swarmInit = true
)

// LoadTarget loads the project and the env called name with its backend,
// built with the command's progress output and init permission.
func (f *Factory) LoadTarget(name string, initSwarm swarmInit) (*Target, error) {
	return targetLoader(f.LoadProject, backends, f.IO.ErrOut)(name, initSwarm)
}

// targetLoader returns the Target dependency of the deploy-family
// commands: it loads the project, resolves the env, and builds the env's
// backend with the factory registered for it, from options (progress to
// log, init permission from the command).
func targetLoader(project func() (*Project, error), factories map[string]deploy.Factory, log io.Writer) func(string, swarmInit) (*Target, error) {
	return func(name string, initSwarm swarmInit) (*Target, error) {
		p, err := project()
		if err != nil {
			return nil, err
		}
		env, err := p.Config.Env(name)
		if err != nil {
			return nil, &UsageError{Err: fmt.Errorf("cannot use env: %w", err)}
		}
		factory, ok := factories[env.Backend]
		if !ok {
			return nil, fmt.Errorf("env %s: the %s backend is not available in this version of gazr (available: %s)", env.Name, env.Backend, strings.Join(backendNames(factories), ", "))
		}
		b, err := factory(deploy.BackendOptions{Env: env, Log: log, MayInitSwarm: bool(initSwarm)})
		if err != nil {
			return nil, err
		}
		return &Target{Project: p, Env: env, Backend: b}, nil
	}
}

func backendNames(factories map[string]deploy.Factory) []string {
	names := make([]string, 0, len(factories))
	for n := range factories {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// builder connects to the engine that builds images: the local one.
func (f *Factory) builder(ctx context.Context) (deploy.BuildAPI, error) {
	return container.Connect(ctx)
}
