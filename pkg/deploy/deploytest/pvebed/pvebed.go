// Package pvebed is a fake Proxmox VE cluster whose VMs are real
// engines: the fake API of pvefake, over TLS on 127.0.0.1, in front of
// an empty swarmbed whose nodes (sshd, the registry behind basic auth)
// are the VMs. It is the environment the proxmox backend's engine tests
// bring a swarm up on, and what `go run ./integration/pvebed` starts
// for a user to try the backend without a cluster.
//
//	b, err := pvebed.Start(ctx, pvebed.Options{Env: "pve"})
//	if err != nil { ... }
//	defer b.Close(ctx)
//	toml := b.EnvTOML()     // [env.pve] with backend = "proxmox"
//	environ := b.Environ()  // PVE_TOKEN=…, GAZR_SSH_CONFIG=…, DOCKER_CONFIG=…
//
// # What it models
//
// PVE nodes pve1..pveN (Options.Nodes, default 3) and two templates on
// pve1, ManagerTemplate (9000) and WorkerTemplate (9001), whose image is
// swarmbed.SSHImage. A clone's machine is recorded at the clone and made
// at its first start (swarmbed AddNode: a node container at a new
// address, its engine answering, the images loaded), then started again
// by later starts; the guest agent reports the node's address. At every
// start root's authorized_keys become the VM's cloud-init sshkeys, as
// cloud-init would set them. A stop is a SIGKILL, a shutdown a clean
// stop, a delete removes the node. Unlike the AWS bed, nothing joins by
// itself: gazr cluster up and ScaleNodes init and join over SSH.
//
// Not modelled: ciuser (root is the only login: ssh_user = "root"),
// ipconfig0 (the node's address is the bed's), a VM's memory and CPUs,
// and the node's hostname (the container's, not the VM's name).
package pvebed

import (
	"context"
	"fmt"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// The templates' VM ids.
const (
	ManagerTemplate = 9000
	WorkerTemplate  = 9001
)

// Options configure a bed. The zero value is env "pve" on 3 PVE nodes.
type Options struct {
	// Env is the environment's name (default "pve").
	Env string
	// Nodes is the number of PVE nodes, pve1..pveN (default 3).
	Nodes int
	// Images are host images loaded into every VM's node.
	Images []string
	// Name names the swarmbed (default: swarmbed's).
	Name string
	// Logf, if set, receives progress and timings.
	Logf func(format string, args ...any)
}

// Bed is a fake PVE cluster in front of real engines. Its methods are
// safe for concurrent use.
type Bed struct {
	// Fake is the fake PVE API: VMs, tasks, faults, LoseNode.
	Fake *pvefake.Fake
	// Swarm is the bed of engines behind the VMs (empty at the start).
	Swarm *swarmbed.Bed
	// URL is the API's address, "https://127.0.0.1:<port>".
	URL string

	opts      Options
	machines  *machines
	stopFake  func()
	dockerCfg string // DOCKER_CONFIG: the registry's login
}

// Start starts the empty swarmbed (its registry behind auth, its ssh key
// pair) and the fake on 127.0.0.1. On error everything is removed.
func Start(ctx context.Context, o Options) (*Bed, error) {
	t0 := time.Now()
	o = o.withDefaults()
	if o.Nodes < 1 {
		return nil, fmt.Errorf("pvebed: %d PVE nodes: want at least one", o.Nodes)
	}
	sw, err := swarmbed.Start(ctx, swarmbed.Options{
		Empty: true, Name: o.Name, SSH: true, RegistryAuth: true, Images: o.Images, Logf: o.Logf,
	})
	if err != nil {
		return nil, fmt.Errorf("pvebed: %w", err)
	}
	b := &Bed{Swarm: sw, opts: o}
	b.machines = &machines{bed: b, byID: map[int]*machine{}}
	var nodes []string
	for i := range o.Nodes {
		nodes = append(nodes, fmt.Sprintf("pve%d", i+1))
	}
	b.Fake = pvefake.New(pvefake.Options{
		Nodes:    nodes,
		Machines: b.machines,
		Templates: []pvefake.Template{
			{VMID: ManagerTemplate, Name: "swarm-manager-tpl", Node: nodes[0]},
			{VMID: WorkerTemplate, Name: "swarm-worker-tpl", Node: nodes[0]},
		},
		Logf: o.Logf,
	})
	b.URL, b.stopFake = b.Fake.Start()
	if err := b.writeDockerConfig(); err != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = b.Close(cctx)
		return nil, fmt.Errorf("pvebed: %w", err)
	}
	b.logf("fake PVE at %s (%d nodes), ready in %s", b.URL, o.Nodes, time.Since(t0).Round(time.Millisecond))
	return b, nil
}

func (o Options) withDefaults() Options {
	if o.Env == "" {
		o.Env = "pve"
	}
	if o.Nodes == 0 {
		o.Nodes = 3
	}
	return o
}

// Close stops the fake (waiting for its tasks), then removes the
// swarmbed, every VM's node with it.
func (b *Bed) Close(ctx context.Context) error {
	if b.stopFake != nil {
		b.stopFake()
		b.stopFake = nil
	}
	return b.Swarm.Close(ctx)
}

// EnvName is the environment's name.
func (b *Bed) EnvName() string { return b.opts.Env }

// ClusterTag is the tag that marks the env's VMs.
func (b *Bed) ClusterTag() string { return "gazr-" + b.opts.Env }

// Node returns the swarmbed node of VM vmid, if it has one.
func (b *Bed) Node(vmid int) (swarmbed.Node, bool) {
	i, ok := b.machines.nodeOf(vmid)
	if !ok {
		return swarmbed.Node{}, false
	}
	return b.Swarm.Node(i)
}

func (b *Bed) logf(format string, args ...any) {
	if b.opts.Logf != nil {
		b.opts.Logf("pvebed: "+format, args...)
	}
}
