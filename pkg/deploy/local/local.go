// Package local is the deploy backend of a swarm gazr does not provision:
// the local engine's (initialised on first use), or any existing swarm
// whose manager is reachable over unix://, ssh:// or tcp:// with TLS.
package local

import (
	"context"
	"fmt"
	"io"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/registryauth"
)

// Backend is the local backend.
type Backend struct {
	env *config.Environment
	// log receives notices such as "initialised a swarm".
	log io.Writer
	// mayInit lets Manager initialise a swarm on the local engine; without
	// it Manager fails with deploy.ErrNoSwarm (status, dry runs).
	mayInit bool
}

var _ deploy.Backend = (*Backend)(nil)

// New returns the local backend of o.Env; it implements deploy.Factory.
func New(o deploy.BackendOptions) (deploy.Backend, error) {
	if _, err := deploy.ResolveEndpoint(o.Env); err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	return &Backend{env: o.Env, log: log, mayInit: o.MayInitSwarm}, nil
}

// Name implements deploy.Backend.
func (b *Backend) Name() string { return "local" }

// Properties implements deploy.Backend: the local engine's swarm is
// initialised on demand; nodes cannot be powered off, only drained (and
// made active again); no machines, so none pending or gone.
func (b *Backend) Properties() deploy.Properties {
	return deploy.Properties{InitSwarm: b.env.Manager == "", StopNode: true, StartNode: true, Check: true}
}

// Manager implements deploy.Backend.
func (b *Backend) Manager(ctx context.Context) (deploy.SwarmAPI, error) {
	ep, err := deploy.ResolveEndpoint(b.env)
	if err != nil {
		return nil, err
	}
	cli, err := client.New(append(ep.Opts, client.WithUserAgent("gazr"))...)
	if err != nil {
		return nil, fmt.Errorf("env %s: manager %s: %w", b.env.Name, ep.Host, err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		cli.Close()
		return nil, fmt.Errorf("env %s: %w at %s: %v", b.env.Name, deploy.ErrUnreachable, ep.Host, err)
	}
	if err := b.ensureSwarm(ctx, cli); err != nil {
		cli.Close()
		return nil, err
	}
	return cli, nil
}

// ensureSwarm checks that the engine is an active swarm manager, and
// makes the local engine a single-node swarm when it is in none.
func (b *Backend) ensureSwarm(ctx context.Context, cli *client.Client) error {
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return fmt.Errorf("env %s: engine info: %w", b.env.Name, err)
	}
	sw := info.Info.Swarm
	switch {
	case sw.LocalNodeState == swarm.LocalNodeStateActive && sw.ControlAvailable:
		return nil
	case sw.LocalNodeState == swarm.LocalNodeStateActive:
		return fmt.Errorf("env %s: this engine is a swarm worker, not a manager; point manager at a manager node", b.env.Name)
	case !b.mayInit && b.Properties().InitSwarm:
		return fmt.Errorf("env %s: %w (gazr deploy initialises one)", b.env.Name, deploy.ErrNoSwarm)
	case !b.Properties().InitSwarm:
		return fmt.Errorf("env %s: the engine at %s is not part of a swarm (state %q); run `docker swarm init` there", b.env.Name, cli.DaemonHost(), sw.LocalNodeState)
	}
	_, err = cli.SwarmInit(ctx, client.SwarmInitOptions{ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1"})
	if err != nil && isManager(ctx, cli) {
		return nil // another gazr initialised it meanwhile (two first deploys at once)
	}
	if err != nil {
		return fmt.Errorf("env %s: initialise a single-node swarm on the local engine: %w", b.env.Name, err)
	}
	fmt.Fprintf(b.log, "initialised a single-node swarm on the local engine (docker swarm leave --force undoes it)\n")
	return nil
}

func isManager(ctx context.Context, cli *client.Client) bool {
	info, err := cli.Info(ctx, client.InfoOptions{})
	return err == nil && info.Info.Swarm.LocalNodeState == swarm.LocalNodeStateActive && info.Info.Swarm.ControlAvailable
}

// Registry implements deploy.Backend: the env's registry, with the
// credentials the docker CLI stored for it, if any.
func (b *Backend) Registry(ctx context.Context) (deploy.Registry, error) {
	if b.env.Registry == "" {
		return deploy.Registry{}, nil
	}
	auth, err := registryauth.ForHost(b.env.Registry)
	if err != nil {
		return deploy.Registry{}, err
	}
	return deploy.Registry{Host: b.env.Registry, Auth: auth}, nil
}

// EnsureRepository implements deploy.Backend: the registries the local
// backend pushes to create a repository on its first push.
func (b *Backend) EnsureRepository(ctx context.Context, name string) error {
	return fmt.Errorf("ensure repository %s: local backend: %w", name, deploy.ErrNotSupported)
}

// Nodes implements deploy.Backend.
func (b *Backend) Nodes(ctx context.Context) ([]deploy.Node, error) {
	cli, err := b.Manager(ctx)
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	return deploy.ListNodes(ctx, cli)
}

// ScaleNodes implements deploy.Backend: the local backend provisions no
// machines.
func (b *Backend) ScaleNodes(ctx context.Context, workers int) error {
	return fmt.Errorf("scale nodes: local backend: %w", deploy.ErrNotSupported)
}

// StopTask implements deploy.Backend by killing the task's container
// through the manager's engine: a task on another node is
// deploy.ErrNotSupported.
func (b *Backend) StopTask(ctx context.Context, taskID string) error {
	cli, err := b.Manager(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	return deploy.KillTaskContainer(ctx, cli, taskID)
}

// StopNode implements deploy.Backend: the local backend cannot power a
// machine off, so it drains the node, which moves its tasks elsewhere
// the same way a lost node does (minus the detection delay).
func (b *Backend) StopNode(ctx context.Context, nodeID string) error {
	cli, err := b.Manager(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	return deploy.DrainNode(ctx, cli, nodeID)
}

// StartNode implements deploy.Backend: it makes a node StopNode drained
// take tasks again.
func (b *Backend) StartNode(ctx context.Context, id string) error {
	cli, err := b.Manager(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	return deploy.ActivateNode(ctx, cli, id)
}

// PruneNodes implements deploy.Backend: the local backend knows no
// machines, so it cannot tell a node whose machine is gone.
func (b *Backend) PruneNodes(ctx context.Context) ([]deploy.Node, error) {
	return nil, fmt.Errorf("prune nodes: local backend: %w", deploy.ErrNotSupported)
}

// Schedule implements deploy.Backend: the local backend has no machines
// to schedule.
func (b *Backend) Schedule(ctx context.Context) ([]deploy.ScheduledChange, error) {
	return nil, fmt.Errorf("schedule: local backend: %w", deploy.ErrNotSupported)
}

// ApplySchedule implements deploy.Backend: see Schedule.
func (b *Backend) ApplySchedule(ctx context.Context) ([]string, error) {
	return nil, fmt.Errorf("apply schedule: local backend: %w", deploy.ErrNotSupported)
}

// Up implements deploy.Backend: the local backend makes no machines (a
// deploy makes the local engine a swarm).
func (b *Backend) Up(ctx context.Context, managers, workers int) ([]string, error) {
	return nil, fmt.Errorf("up: local backend: %w", deploy.ErrNotSupported)
}
