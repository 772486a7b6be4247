// Package deploy ships a project's services to an environment's Docker
// Swarm: build, push, upgrade, convert, apply, wait, record. Where the
// swarm lives (the local engine, EC2, Proxmox VMs) is a Backend's business;
// everything else is the same for every environment.
package deploy

import (
	"context"
	"errors"
	"io"
	"time"

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
	// swarm is active (initialising it when Properties.InitSwarm and
	// BackendOptions.MayInitSwarm; ErrNoSwarm without the latter), and
	// MUST refuse a plain tcp:// endpoint unless the env allows it
	// (insecure = true). The caller closes the client. An unreachable
	// manager is ErrUnreachable, naming the endpoint.
	Manager(ctx context.Context) (SwarmAPI, error)

	// Registry returns where the env's images go. A zero Registry (empty
	// Host) means images are not pushed: the swarm's nodes use the images
	// of the engine that built them, which only a single-node swarm can.
	// A credential that expires (Properties.RegistryExpires) MUST carry
	// its expiry in Registry.Expires; a caller holding it past, or within
	// RegistryRefreshMargin of, Expires calls Registry again, which MUST
	// then return a fresh credential (RegistrySession does so).
	Registry(ctx context.Context) (Registry, error)

	// EnsureRepository makes sure the repository name (a path in the
	// registry without its host, "shop/web") exists, creating it when
	// missing; an existing repository is not an error. A registry that
	// creates repositories on first push needs none of this:
	// ErrNotSupported when Properties.EnsureRepository is false.
	EnsureRepository(ctx context.Context, name string) error

	// Nodes lists the swarm's nodes as the backend sees them. With
	// Properties.PendingNodes it also lists the env's machines that have
	// not joined the swarm (yet), with Joined false and no ID.
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

	// StartNode undoes StopNode: it brings the node back (starts its
	// machine, or makes a drained node take tasks again). id is a swarm
	// node ID or, for a machine that has not joined, its Node.Instance.
	// A node already running is not an error. It MUST return once the
	// machine runs, without waiting for the node to be Ready (callers
	// poll Nodes). ErrNotFound for an unknown id, ErrNotSupported when
	// Properties.StartNode is false.
	StartNode(ctx context.Context, id string) error

	// PruneNodes removes from the swarm the nodes whose machine is gone
	// (a terminated instance, a destroyed VM), and returns them. It MUST
	// NOT remove a node whose machine exists, even stopped or Down: that
	// one may come back. ErrNotSupported when Properties.PruneNodes is
	// false (a backend that knows no machines cannot tell).
	PruneNodes(ctx context.Context) ([]Node, error)

	// Check inspects what deploying to the env needs (credentials, API,
	// manager reachable, swarm state, registry…) for `gazr doctor`. A
	// problem is a Finding with a Fix, not an error: the error is for a
	// Check that could not run at all (a cancelled context). It MUST
	// change nothing. ErrNotSupported when Properties.Check is false.
	Check(ctx context.Context) ([]Finding, error)

	// Schedule lists the scheduled changes of the number of workers in
	// force where the env's machines run (an Auto Scaling group's
	// scheduled actions), each with its next time. ErrNotSupported when
	// Properties.Schedule is false.
	Schedule(ctx context.Context) ([]ScheduledChange, error)

	// ApplySchedule makes the env's configured schedule (the schedule key
	// of its backend's table) the one in force, so that it runs without
	// gazr, and returns what it changed, a line each: none when it was
	// already in force (a second call changes nothing). Scheduled changes
	// gazr did not write are kept. ErrNotSupported when
	// Properties.Schedule is false.
	ApplySchedule(ctx context.Context) ([]string, error)

	// Up brings the env's swarm up where the backend makes its machines:
	// it makes the machines missing for managers managers and workers
	// workers, starts them, makes the first manager a swarm and the others
	// join it, and returns what it changed, a line each: none when all
	// was up (a second call changes nothing). It never removes a machine
	// (ScaleNodes does), and a call interrupted half way is finished by
	// the next one, without making a machine twice. ErrNotSupported when
	// Properties.Up is false (a backend that adopts a cluster made
	// elsewhere).
	Up(ctx context.Context, managers, workers int) ([]string, error)
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
	// RegistryExpires: Registry's credential expires (Registry.Expires
	// is set), so a long-running caller asks for it again.
	RegistryExpires bool
	// EnsureRepository: EnsureRepository is implemented; the registry
	// wants repositories created before a push (ECR).
	EnsureRepository bool
	// PendingNodes: Nodes lists machines that have not joined the swarm.
	PendingNodes bool
	// StartNode: StartNode is implemented.
	StartNode bool
	// PruneNodes: PruneNodes is implemented.
	PruneNodes bool
	// Check: Check is implemented.
	Check bool
	// Schedule: Schedule and ApplySchedule are implemented.
	Schedule bool
	// Up: Up is implemented; the backend makes the env's machines.
	Up bool
}

// ScheduledChange is one scheduled change of the number of workers, as
// in force where the env's machines run.
type ScheduledChange struct {
	// Name identifies it where it runs (the scheduled action's name).
	Name string
	// Cron is its five-field recurrence, read in TZ ("" is UTC).
	Cron, TZ string
	// Workers is the number of workers from then on.
	Workers int
	// Next is when it next applies; zero when unknown.
	Next time.Time
	// Managed: gazr wrote it (ApplySchedule replaces only those).
	Managed bool
}

// Registry is where images are pushed and pulled from.
type Registry struct {
	// Host is "host[:port]", as it prefixes image references.
	Host string
	// Auth is the base64url JSON the Engine API expects in
	// X-Registry-Auth, empty for an anonymous registry.
	Auth string
	// Expires is when Auth stops working; zero: never.
	Expires time.Time
}

// Node is a swarm node, or a machine of the env that has not joined the
// swarm (yet), as a backend sees it.
type Node struct {
	// ID is the swarm node's ID; empty when the machine has not joined.
	ID, Hostname, Addr string
	// Manager: the node's role is manager (for a machine not joined: the
	// role it is meant for). Ready: the node is up and takes tasks (state
	// ready, availability active; a drained node is not Ready).
	Manager, Ready bool
	// Drained: the node's availability is drain or pause, so it takes no
	// new tasks whatever its state (a Down node is neither Ready nor
	// Drained).
	Drained bool
	// Joined: the machine is a node of the swarm (ID is set).
	Joined bool
	// Instance identifies the machine to the backend (EC2 instance id,
	// Proxmox VM id); empty for the local engine.
	Instance string
	// Machine is the machine's state as the backend's API reports it;
	// MachineUnknown when the backend knows no machines (local).
	Machine MachineState
	// Group is the machine's group: its Auto Scaling group, its Proxmox
	// pool or role; empty when the backend has none.
	Group string
	// Host is where the machine runs: the PVE node of a VM, the
	// availability zone of an instance; empty when unknown.
	Host string
}

// MachineState is the state of a node's machine, mapped by the backend
// from its API's own states.
type MachineState string

// States of a node's machine.
const (
	MachineUnknown  MachineState = ""
	MachinePending  MachineState = "pending"  // being created or starting
	MachineRunning  MachineState = "running"  // up (the node may still be joining)
	MachineStopping MachineState = "stopping" // shutting down
	MachineStopped  MachineState = "stopped"  // off, and can be started again (StartNode)
	MachineGone     MachineState = "gone"     // terminated or destroyed: PruneNodes removes its node
)

// Errors a Backend's methods wrap.
var (
	ErrUnreachable  = errors.New("swarm manager unreachable")
	ErrNotSupported = errors.New("not supported by this backend")
	ErrNotFound     = errors.New("not found")
	// ErrNoSwarm: the engine is in no swarm, and the backend was asked
	// not to initialise one (a dry run changes nothing).
	ErrNoSwarm = errors.New("the engine is not part of a swarm")
	// ErrSetup: what the env names or needs is wrong where it runs, and
	// the user fixes it as a configuration (no credentials, an unknown
	// region, a group that does not exist): gazr exits 2.
	ErrSetup = errors.New("the env's set-up is wrong")
)

// BackendOptions are what a Factory builds a Backend from.
type BackendOptions struct {
	// Env is the environment, with the backend's own section
	// (Env.AWS, Env.Proxmox) when the file has one.
	Env *config.Environment
	// Log receives progress and notices ("initialised a swarm",
	// "waiting for instance i-… to join"); nil: discarded.
	Log io.Writer
	// MayInitSwarm lets Manager initialise a swarm where
	// Properties.InitSwarm; without it Manager fails with ErrNoSwarm on an
	// engine in no swarm. Only a deploy sets it: status, logs, a dry run…
	// change nothing, not even the engine's swarm state.
	MayInitSwarm bool
}

// Factory makes the Backend of an environment. It MUST NOT contact
// anything (commands that fail on a bad flag fail fast); a setting it can
// tell is wrong is an error naming the env.
type Factory func(o BackendOptions) (Backend, error)
