package swarmbed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// Labels put on every container, volume and network a bed creates.
const (
	// Label has the bed's name as its value.
	Label = "io.gazr.swarmbed"
	// LabelOwner names the process that made the bed, "hostname/pid";
	// [Cleanup] removes the beds whose owner is gone.
	LabelOwner = "io.gazr.swarmbed.owner"
	// LabelRole says what the object is to the bed: node, registry, network.
	LabelRole = "io.gazr.swarmbed.role"
)

// DefaultImage is the node image used when [Options.Image] is empty: an
// engine whose CMD runs dockerd on unix socket and tcp://0.0.0.0:2375
// without TLS (integration/images/build.sh dind).
const DefaultImage = "gazr-test/dind:20.10"

// SSHImage is the node image used when [Options.SSH] or
// [Options.RegistryAuth] is set and [Options.Image] is empty
// (integration/images/build.sh dind-ssh): [DefaultImage] plus an sshd
// and a forwarder, set up by its entrypoint from the environment the bed
// gives every node (GAZR_SSH_AUTHORIZED_KEYS, GAZR_FORWARD).
const SSHImage = "gazr-test/dind-ssh:20.10"

// RegistryImage is the registry started when [Options.Registry] is set
// (integration/images/build.sh registry): Debian's docker-registry
// (distribution 2.8), plain HTTP on port 5000.
const RegistryImage = "gazr-test/registry:2"

// Node is one engine of the bed.
type Node struct {
	// Index is the node's number in the bed ([Bed.Client], [Bed.StopNode]).
	// Nodes are never renumbered: a removed node keeps its number.
	Index int
	// Name is the node's container name and, unless [Bed.AddNodeAs]
	// chose another, its hostname.
	Name string
	// Hostname is the node's hostname (the swarm node's
	// Description.Hostname).
	Hostname string
	// ID is the swarm node ID.
	ID string
	// Addr is the node's fixed IP address on the bed network, also its
	// swarm advertise address. It survives StopNode/StartNode.
	Addr string
	// Host is the node's Engine API endpoint, "tcp://<Addr>:2375".
	Host string
	// Manager says whether the node is a swarm manager (or, for a node
	// added and not joined yet, will be one).
	Manager bool
}

// Bed is a running multi-node swarm of engines in containers on the host
// engine. Its methods are safe for concurrent use.
type Bed struct {
	// Name is the bed's name, the value of its [Label].
	Name string
	// Nodes are the bed's nodes, in the order of their Index: those of
	// Start (managers first), then those of [Bed.AddNode], which appends
	// under the bed's lock. Code that adds nodes while others read them
	// reads them with [Bed.Node] or [Bed.NodeList].
	Nodes []Node
	// Network is the name of the host bridge network the nodes share.
	Network string
	// Subnet is the bed network's subnet (CIDR).
	Subnet string
	// RegistryAddr is "IP:5000" of the registry when [Options.Registry] is
	// set, else empty. Nodes and the host reach it over plain HTTP; only
	// the nodes trust it, so push from a node ([Bed.Client]), not the host.
	// With [Options.RegistryAuth] it is "127.0.0.1:<port>", the same name
	// from the host engine and the nodes, all of which trust it.
	RegistryAddr string
	// SSHConfig is, with [Options.SSH], the path of an ssh_config file
	// (for ssh -F) that logs in to any node as root with the bed's key;
	// it and the key live in a temporary directory Close removes.
	SSHConfig string

	opts   Options
	host   *client.Client
	ownsHC bool // host client made by Start, closed by Close

	sshDir       string // the key pair and SSHConfig
	publicKey    string // the bed's public key, authorized in every node
	nodeCmd      []string
	registryPort int // on the host's 127.0.0.1, with RegistryAuth

	mu      sync.Mutex
	clients []*client.Client // per node, made on first use
	state   []nodeState      // per node
	closed  bool

	registryUser, registryPassword string
}

// nodeState is what became of a node since it was created.
type nodeState struct {
	stopped bool // StopNode; StartNode clears it
	removed bool // RemoveNode: its container and volume are gone
	joined  bool // in the swarm (Start's nodes, Join)
}

// Start creates a bed: a bridge network, a container per node (in
// parallel), a swarm (init on the first node, advertising the node's IP;
// the others join), the [Options.Images] loaded into every node, and the
// registry if asked for. It returns when every node is Ready. The host
// engine is found through the environment (DOCKER_HOST...). On error,
// everything created so far is removed. Call [Bed.Close] when done. Start
// first runs [Cleanup], removing the leftovers of crashed runs.
func Start(ctx context.Context, o Options) (*Bed, error) {
	host, err := client.New(client.FromEnv, client.WithUserAgent("gazr-swarmbed"))
	if err != nil {
		return nil, fmt.Errorf("swarmbed: host engine: %w", err)
	}
	b, err := start(ctx, host, o)
	if b != nil {
		b.ownsHC = true
	} else {
		host.Close()
	}
	return b, err
}

func start(ctx context.Context, host *client.Client, o Options) (*Bed, error) {
	t0 := time.Now()
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkImages(ctx, host, append([]string{o.Image}, o.Images...)...); err != nil {
		return nil, err
	}
	if o.Registry {
		if err := checkImages(ctx, host, RegistryImage); err != nil {
			return nil, err
		}
	}
	// Sweep the beds of crashed runs first: they hold subnets and memory.
	if err := Cleanup(ctx, host); err != nil && o.Logf != nil {
		o.Logf("swarmbed: %v", err)
	}
	b := &Bed{Name: o.Name, Network: o.Name, opts: o, host: host}
	fail := func(err error) (*Bed, error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if cerr := b.Close(cctx); cerr != nil {
			err = errors.Join(err, fmt.Errorf("clean up: %w", cerr))
		}
		return nil, fmt.Errorf("swarmbed %s: %w", o.Name, err)
	}
	if err := b.createNetwork(ctx); err != nil {
		return fail(err)
	}
	if o.SSH {
		if err := b.makeSSHConfig(ctx); err != nil {
			return fail(err)
		}
	}
	if o.Registry {
		if err := b.startRegistry(ctx); err != nil {
			return fail(err)
		}
	}
	if o.Empty {
		if err := b.nodeImage(ctx); err != nil {
			return fail(err)
		}
		b.logf("empty bed ready in %s", since(t0))
		return b, nil
	}
	if err := b.startNodes(ctx); err != nil {
		return fail(err)
	}
	b.logf("engines up in %s", since(t0))
	// Loading images and forming the swarm are independent: overlap them.
	var wg sync.WaitGroup
	var loadErr error
	wg.Go(func() { loadErr = b.Load(ctx, o.Images...) })
	err = b.formSwarm(ctx)
	wg.Wait()
	if err = errors.Join(err, loadErr); err != nil {
		return fail(err)
	}
	b.logf("bed of %d nodes (%d managers) ready in %s", o.Nodes, o.Managers, since(t0))
	return b, nil
}

// checkImages fails with the fix when an image is missing on the host.
func checkImages(ctx context.Context, host client.ImageAPIClient, images ...string) error {
	for _, img := range images {
		if _, err := host.ImageInspect(ctx, img); err != nil {
			return fmt.Errorf("swarmbed: image %q on the host engine: %w (test images are built by integration/images/build.sh)", img, err)
		}
	}
	return nil
}

func (b *Bed) logf(format string, args ...any) {
	if b.opts.Logf != nil {
		b.opts.Logf("swarmbed %s: "+format, append([]any{b.Name}, args...)...)
	}
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func (b *Bed) labels(role string) map[string]string {
	return map[string]string{Label: b.Name, LabelOwner: owner(), LabelRole: role}
}
