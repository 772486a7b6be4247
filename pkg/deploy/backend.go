// Package deploy ships a project's services to an environment's Docker
// Swarm: build, push, upgrade, convert, apply, wait, record. Where the
// swarm lives (the local engine, EC2, Proxmox VMs) is a Backend's business;
// everything else is the same for every environment.
package deploy

import (
	"context"
	"errors"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
)

// SwarmAPI is the part of the Engine API that deploying needs, on a swarm
// manager.
type SwarmAPI interface {
	client.SwarmManagementAPIClient
	client.NetworkAPIClient
	client.ContainerAPIClient
	client.ImageAPIClient
	client.SystemAPIClient
	Close() error
}

// Backend adapts the deploy pipeline to where an environment's swarm runs.
//
// Every method takes a context first and MUST return promptly once it is
// cancelled. Errors wrap ErrUnreachable, ErrNotSupported or ErrNotFound
// where those apply, so callers can tell them apart with errors.Is.
type Backend interface {
	// Name is the backend's name as written in .gazr.toml ("local").
	Name() string

	// Properties describes what the backend can do.
	Properties() Properties

	// Manager returns a client for a reachable manager of the env's
	// swarm. It MUST have checked that the manager answers and that its
	// swarm is active (initialising it when Properties.InitSwarm), and
	// MUST refuse a plain tcp:// endpoint unless the env allows it
	// (insecure = true). The caller closes the client. An unreachable
	// manager is ErrUnreachable, naming the endpoint.
	Manager(ctx context.Context) (SwarmAPI, error)

	// Registry returns where the env's images go. A zero Registry (empty
	// Host) means images are not pushed: the swarm's nodes use the images
	// of the engine that built them, which only a single-node swarm can.
	Registry(ctx context.Context) (Registry, error)

	// Nodes lists the swarm's nodes as the backend sees them.
	Nodes(ctx context.Context) ([]Node, error)

	// ScaleNodes sets the number of worker nodes (elasticity of the
	// cluster itself). ErrNotSupported when Properties.ScaleNodes is false.
	ScaleNodes(ctx context.Context, workers int) error

	// StopTask stops one running task of a service (a chaos experiment):
	// the swarm is expected to replace it. ErrNotFound for an unknown task,
	// ErrNotSupported for a task on a node the backend cannot reach.
	StopTask(ctx context.Context, taskID string) error

	// StopNode takes a node out as abruptly as the backend can (a chaos
	// experiment): the swarm is expected to reschedule its tasks.
	// ErrNotSupported when Properties.StopNode is false.
	StopNode(ctx context.Context, nodeID string) error
}

// Properties are a backend's capabilities; callers branch on them, never
// on the backend's type.
type Properties struct {
	// InitSwarm: Manager initialises a single-node swarm when the engine
	// is not part of one (the local engine).
	InitSwarm bool
	// ScaleNodes: ScaleNodes is implemented.
	ScaleNodes bool
	// StopNode: StopNode is implemented.
	StopNode bool
	// NeedsRegistry: multi-node by nature; deploying without a registry is
	// an error.
	NeedsRegistry bool
}

// Registry is where images are pushed and pulled from.
type Registry struct {
	// Host is "host[:port]", as it prefixes image references.
	Host string
	// Auth is the base64url JSON the Engine API expects in
	// X-Registry-Auth, empty for an anonymous registry.
	Auth string
}

// Node is a swarm node as a backend sees it.
type Node struct {
	ID, Hostname, Addr string
	// Manager: the node's role is manager. Ready: the node is up and
	// takes tasks (state ready, availability active; a drained node is
	// not Ready).
	Manager, Ready bool
	// Instance identifies the machine to the backend (EC2 instance id,
	// Proxmox VM id); empty for the local engine.
	Instance string
}

// Errors a Backend's methods wrap.
var (
	ErrUnreachable  = errors.New("swarm manager unreachable")
	ErrNotSupported = errors.New("not supported by this backend")
	ErrNotFound     = errors.New("not found")
	// ErrNoSwarm: the engine is in no swarm, and the backend was asked
	// not to initialise one (a dry run changes nothing).
	ErrNoSwarm = errors.New("the engine is not part of a swarm")
)

// Factory makes the Backend of an environment.
type Factory func(env *config.Environment) (Backend, error)
