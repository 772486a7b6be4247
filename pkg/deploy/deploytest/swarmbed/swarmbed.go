package swarmbed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// RegistryImage is the registry started when [Options.Registry] is set
// (integration/images/build.sh registry): plain HTTP on port 5000, no auth.
const RegistryImage = "gazr-test/registry:2"

// Options configure a bed. The zero value is a 3-node swarm of 3 managers.
type Options struct {
	// Nodes is the total number of nodes (default 3).
	Nodes int
	// Managers is how many of the nodes are managers, the first ones
	// (default: all of them; 3 managers make an HA control plane that
	// keeps its quorum when one is lost).
	Managers int
	// Image is the node image (default [DefaultImage]). Its CMD must start
	// dockerd listening on tcp://0.0.0.0:2375 without TLS; the bed appends
	// flags to it.
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
	// HeartbeatPeriod is the swarm dispatcher's heartbeat period (default
	// 1s; swarm's own default is 5s). A manager marks a silent node down
	// after about three periods, so this sets how soon the swarm notices a
	// [Bed.StopNode] and reschedules its tasks.
	HeartbeatPeriod time.Duration
	// Logf, if set, receives progress and timings (e.g. t.Logf).
	Logf func(format string, args ...any)
}

// Node is one engine of the bed.
type Node struct {
	// Name is the node's container name and hostname (the swarm node's
	// Description.Hostname).
	Name string
	// ID is the swarm node ID.
	ID string
	// Addr is the node's fixed IP address on the bed network, also its
	// swarm advertise address. It survives StopNode/StartNode.
	Addr string
	// Host is the node's Engine API endpoint, "tcp://<Addr>:2375".
	Host string
	// Manager says whether the node is a swarm manager.
	Manager bool
}

// Bed is a running multi-node swarm of engines in containers on the host
// engine. Its methods are safe for concurrent use.
type Bed struct {
	// Name is the bed's name, the value of its [Label].
	Name string
	// Nodes are the bed's nodes; managers come first.
	Nodes []Node
	// Network is the name of the host bridge network the nodes share.
	Network string
	// Subnet is the bed network's subnet (CIDR).
	Subnet string
	// RegistryAddr is "IP:5000" of the registry when [Options.Registry] is
	// set, else empty. Nodes and the host reach it over plain HTTP; only
	// the nodes trust it, so push from a node ([Bed.Client]), not the host.
	RegistryAddr string

	opts   Options
	host   *client.Client
	ownsHC bool // host client made by Start, closed by Close

	mu      sync.Mutex
	clients []*client.Client // per node, made on first use
	stopped []bool
	closed  bool
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
	b := &Bed{Name: o.Name, Network: o.Name, opts: o, host: host,
		clients: make([]*client.Client, o.Nodes), stopped: make([]bool, o.Nodes)}
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
	if o.Registry {
		if err := b.startRegistry(ctx); err != nil {
			return fail(err)
		}
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

func (o Options) withDefaults() (Options, error) {
	if o.Nodes == 0 {
		o.Nodes = 3
	}
	if o.Managers == 0 {
		o.Managers = o.Nodes
	}
	if o.Nodes < 1 || o.Managers < 1 || o.Managers > o.Nodes || o.Nodes > 200 {
		return o, fmt.Errorf("swarmbed: %d nodes with %d managers: want 1 ≤ managers ≤ nodes ≤ 200", o.Nodes, o.Managers)
	}
	if o.Image == "" {
		o.Image = DefaultImage
	}
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
