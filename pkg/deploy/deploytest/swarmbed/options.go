package swarmbed

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Options configure a bed. The zero value is a 3-node swarm of 3 managers.
type Options struct {
	// Nodes is the total number of nodes (default 3).
	Nodes int
	// Managers is how many of the nodes are managers, the first ones
	// (default: all of them; 3 managers make an HA control plane that
	// keeps its quorum when one is lost).
	Managers int
	// Image is the node image (default [DefaultImage], or [SSHImage] with
	// SSH or RegistryAuth). Its CMD must start dockerd listening on
	// tcp://0.0.0.0:2375 without TLS; the bed appends flags to it.
	Image string
	// Name prefixes the bed's containers, volumes and network, and is the
	// value of their [Label] (default "gazr-swarmbed-<random>").
	Name string
	// Images are host images loaded into every node (save on the host,
	// load in the node, streamed through the Engine API).
	Images []string
	// Registry also starts a [RegistryImage] on the bed's network; every
	// node trusts it as an insecure registry. See [Bed.RegistryAddr].
	Registry bool
	// RegistryAuth implies Registry, behind basic auth (htpasswd; see
	// [Bed.SetRegistryPassword]) and reached by one name from the host
	// engine and from every node: 127.0.0.1:<port>, which every engine
	// treats as an insecure registry. The host publishes the registry
	// there; in each node, the image's forwarder (that of [SSHImage])
	// listens there and forwards to the registry.
	RegistryAuth bool
	// SSH makes every node run sshd ([SSHImage]): root logs in with a key
	// the bed makes, through the ssh_config [Bed.SSHConfig].
	SSH bool
	// HeartbeatPeriod is the swarm dispatcher's heartbeat period (default
	// 1s; swarm's own default is 5s). A manager marks a silent node down
	// after about three periods, so this sets how soon the swarm notices a
	// [Bed.StopNode] and reschedules its tasks.
	HeartbeatPeriod time.Duration
	// Empty starts no node and forms no swarm (Nodes and Managers must be
	// 0): the nodes come from [Bed.AddNode], and whoever runs them forms
	// the swarm (a backend that brings machines up, as gazr cluster up).
	Empty bool
	// Logf, if set, receives progress and timings (e.g. t.Logf).
	Logf func(format string, args ...any)
}

func (o Options) withDefaults() (Options, error) {
	if o.Empty && (o.Nodes != 0 || o.Managers != 0) {
		return o, fmt.Errorf("swarmbed: Empty with %d nodes and %d managers: want none", o.Nodes, o.Managers)
	}
	if o.Nodes == 0 && !o.Empty {
		o.Nodes = 3
	}
	if o.Managers == 0 && !o.Empty {
		o.Managers = o.Nodes
	}
	if !o.Empty && (o.Nodes < 1 || o.Managers < 1 || o.Managers > o.Nodes || o.Nodes > 200) {
		return o, fmt.Errorf("swarmbed: %d nodes with %d managers: want 1 ≤ managers ≤ nodes ≤ 200", o.Nodes, o.Managers)
	}
	if o.Image == "" {
		o.Image = DefaultImage
		if o.SSH || o.RegistryAuth {
			o.Image = SSHImage
		}
	}
	o.Registry = o.Registry || o.RegistryAuth
	if o.Name == "" {
		var r [4]byte
		_, _ = rand.Read(r[:])
		o.Name = "gazr-swarmbed-" + hex.EncodeToString(r[:])
	}
	if o.HeartbeatPeriod == 0 {
		o.HeartbeatPeriod = time.Second
	}
	return o, nil
}
