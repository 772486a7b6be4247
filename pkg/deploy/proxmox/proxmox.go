// Package proxmox is the deploy backend of a Docker Swarm on Proxmox VE
// VMs: gazr clones them from templates (Docker, cloud-init, the guest
// agent), starts them, forms the swarm over SSH (Up), scales the workers
// by cloning and destroying VMs, and reaches the managers over SSH with
// failover. The PVE API is called through go-proxmox with an API token;
// the swarm logic (failover, drain, prune, chaos) is package deploy's,
// shared with the aws backend.
package proxmox

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	pve "github.com/luthermonson/go-proxmox"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/registryauth"
)

// Backend is the proxmox backend.
type Backend struct {
	env *config.Environment
	cfg config.Proxmox
	log io.Writer

	// getenv and home read the token's variable and the home directory
	// (the default SSH key); poll is the interval of every wait, Timeouts
	// bound them; dial reaches an engine. Tests replace them.
	getenv   func(string) string
	home     func() (string, error)
	poll     time.Duration
	timeouts Timeouts
	dial     func(ctx context.Context, ep deploy.Endpoint, manager bool) (deploy.SwarmAPI, error)

	mu sync.Mutex
	c  *pve.Client // built on first use (client)
}

// Timeouts bound the waits of the backend.
type Timeouts struct {
	// Task bounds one PVE task (clone, start, stop, delete, config).
	Task time.Duration
	// Address bounds the wait for a started VM's address (the guest agent
	// answering, cloud-init done).
	Address time.Duration
	// Shutdown bounds a clean shutdown before the VM is stopped hard.
	Shutdown time.Duration
	// Request bounds one API request (TimeoutEnv).
	Request time.Duration
}

// DefaultTimeouts are the backend's Timeouts; boot_timeout in the
// env's table sets Address, TimeoutEnv Request.
var DefaultTimeouts = Timeouts{Task: 10 * time.Minute, Address: 5 * time.Minute, Shutdown: 2 * time.Minute, Request: time.Minute}

var _ deploy.Backend = (*Backend)(nil)

// New returns the proxmox backend of o.Env; it implements deploy.Factory
// and contacts nothing: the API client is built on first use.
func New(o deploy.BackendOptions) (deploy.Backend, error) {
	cfg, err := settings(o.Env)
	if err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	t := DefaultTimeouts
	if cfg.BootTimeout > 0 {
		t.Address = cfg.BootTimeout
	}
	t.Request = requestBound(os.Getenv(TimeoutEnv), t.Request)
	return &Backend{env: o.Env, cfg: cfg, log: log, getenv: os.Getenv, home: os.UserHomeDir,
		poll: time.Second, timeouts: t, dial: dial}, nil
}

// dial reaches the engine at ep: as an active swarm manager, or any
// engine that answers.
func dial(ctx context.Context, ep deploy.Endpoint, manager bool) (deploy.SwarmAPI, error) {
	if manager {
		return deploy.DialManager(ctx, ep)
	}
	return deploy.DialEngine(ctx, ep)
}

// Name implements deploy.Backend.
func (b *Backend) Name() string { return "proxmox" }

// Properties implements deploy.Backend: VMs that gazr makes (Up), scales,
// stops, starts and prunes; images come from an existing registry.
func (b *Backend) Properties() deploy.Properties {
	return deploy.Properties{ScaleNodes: true, StopNode: true, NeedsRegistry: true, PendingNodes: true,
		StartNode: true, PruneNodes: true, Check: true, Up: true}
}

// Registry implements deploy.Backend: the env's registry (or the proxmox
// table's) with the docker CLI's credentials; none set is a zero
// Registry, which a deploy refuses (the swarm has several nodes).
func (b *Backend) Registry(ctx context.Context) (deploy.Registry, error) {
	name := registryName(b.env, b.cfg)
	if name == "" {
		return deploy.Registry{}, nil
	}
	auth, err := registryauth.ForHost(name)
	if err != nil {
		return deploy.Registry{}, err
	}
	return deploy.Registry{Host: name, Auth: auth}, nil
}

// EnsureRepository implements deploy.Backend: the registry creates
// repositories on push.
func (b *Backend) EnsureRepository(ctx context.Context, name string) error {
	return fmt.Errorf("ensure repository %s: the registry creates repositories on push: %w", name, deploy.ErrNotSupported)
}

// Schedule implements deploy.Backend: PVE runs no schedule of VMs; the
// scheduled scaling of a proxmox env is gazr's to run (ScaleNodes).
func (b *Backend) Schedule(ctx context.Context) ([]deploy.ScheduledChange, error) {
	return nil, fmt.Errorf("env %s: schedule: Proxmox VE keeps no schedule of VMs: %w", b.env.Name, deploy.ErrNotSupported)
}

// ApplySchedule implements deploy.Backend: see Schedule.
func (b *Backend) ApplySchedule(ctx context.Context) ([]string, error) {
	return nil, fmt.Errorf("env %s: apply schedule: Proxmox VE keeps no schedule of VMs: %w", b.env.Name, deploy.ErrNotSupported)
}
