package swarmbed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// engineTimeout bounds the wait for a node's engine to answer.
const engineTimeout = time.Minute

// startNodes creates and starts Start's node containers in parallel and
// waits for their engines.
func (b *Bed) startNodes(ctx context.Context) error {
	if err := b.nodeImage(ctx); err != nil {
		return err
	}
	b.mu.Lock()
	for i := range b.opts.Nodes {
		b.appendNode(i < b.opts.Managers)
		b.state[i].joined = true // formSwarm joins them
	}
	nodes := append([]Node(nil), b.Nodes...)
	b.mu.Unlock()
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { errs[i] = b.bootNode(ctx, n) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// nodeImage reads the node image's CMD, which every node runs.
func (b *Bed) nodeImage(ctx context.Context) error {
	img, err := b.host.ImageInspect(ctx, b.opts.Image)
	if err != nil {
		return fmt.Errorf("image %s: %w", b.opts.Image, err)
	}
	if len(img.Config.Cmd) == 0 {
		return fmt.Errorf("image %s has no CMD (want one starting dockerd on tcp://0.0.0.0:2375)", b.opts.Image)
	}
	b.nodeCmd = img.Config.Cmd
	return nil
}

// appendNode records a new node with the next fixed address; b.mu held.
func (b *Bed) appendNode(manager bool) Node {
	i := len(b.Nodes)
	addr := b.hostAddr(firstNodeHost + i)
	n := Node{
		Index:    i,
		Name:     fmt.Sprintf("%s-node%d", b.Name, i),
		Hostname: fmt.Sprintf("%s-node%d", b.Name, i),
		Addr:     addr.String(),
		Host:     fmt.Sprintf("tcp://%s:2375", addr),
		Manager:  manager,
	}
	b.Nodes = append(b.Nodes, n)
	b.clients = append(b.clients, nil)
	b.state = append(b.state, nodeState{})
	return n
}

// bootNode creates and starts node n's container and waits for its engine.
func (b *Bed) bootNode(ctx context.Context, n Node) error {
	t0 := time.Now()
	if err := b.createNode(ctx, n); err != nil {
		return err
	}
	if err := b.waitEngine(ctx, n.Index); err != nil {
		return err
	}
	b.logf("%s: engine up in %s", n.Name, since(t0))
	return nil
}

// createNode creates and starts node n's container. The flags are those
// an engine needs to run in a container on a host that refuses
// --privileged (no CAP_SYS_RESOURCE): every other capability, no
// seccomp/AppArmor confinement, writable /proc and /sys paths, all
// devices, and the host's cgroup hierarchy. /var/lib/docker is a named
// volume so that a stopped node keeps its swarm state and images.
func (b *Bed) createNode(ctx context.Context, n Node) error {
	vol := n.Name + "-docker"
	if _, err := b.host.VolumeCreate(ctx, client.VolumeCreateOptions{Name: vol, Labels: b.labels("node")}); err != nil {
		return fmt.Errorf("%s: create volume: %w", n.Name, err)
	}
	args := append([]string(nil), b.nodeCmd...)
	args = append(args,
		"--insecure-registry="+b.Subnet,
		// Inner containers' cgroups go in a tree of the bed's own, which
		// Close removes: a node killed with running tasks leaves theirs.
		"--cgroup-parent="+b.cgroupParent()+"/"+fmt.Sprint(n.Index),
	)
	hc := &container.HostConfig{
		CapAdd:      []string{"ALL"},
		CapDrop:     []string{"SYS_RESOURCE"},
		SecurityOpt: []string{"seccomp=unconfined", "apparmor=unconfined"},
		// --security-opt systempaths=unconfined is the CLI's: the API takes
		// empty (not nil) lists.
		MaskedPaths:   []string{},
		ReadonlyPaths: []string{},
		Resources:     container.Resources{DeviceCgroupRules: []string{"a *:* rwm"}},
		Binds:         []string{"/sys/fs/cgroup:/sys/fs/cgroup:rw"},
		Mounts:        []mount.Mount{{Type: mount.TypeVolume, Source: vol, Target: "/var/lib/docker"}},
		// A fresh /run at each start: a killed dockerd leaves its pid file
		// there, and refuses to start again while it exists.
		Tmpfs: map[string]string{"/run": "rw,exec,nosuid,nodev,mode=755"},
	}
	return b.runContainer(ctx, n.Name, n.Addr, &container.Config{
		Image:    b.opts.Image,
		Hostname: n.Hostname,
		Cmd:      args,
		Env:      b.nodeEnv(),
		Labels:   b.labels("node"),
	}, hc)
}

// nodeEnv is what the entrypoint of [SSHImage] sets up: root's
// authorized key and the forwarder to the registry.
func (b *Bed) nodeEnv() []string {
	var env []string
	if b.publicKey != "" {
		env = append(env, "GAZR_SSH_AUTHORIZED_KEYS="+b.publicKey)
	}
	if b.opts.RegistryAuth {
		env = append(env, fmt.Sprintf("GAZR_FORWARD=%d:%s:5000", b.registryPort, b.hostAddr(registryHost)))
	}
	return env
}

// runContainer creates and starts a labelled container at a fixed address
// on the bed network.
func (b *Bed) runContainer(ctx context.Context, name, ip string, cfg *container.Config, hc *container.HostConfig) error {
	nc := &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
		b.Network: {IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: mustAddr(ip)}},
	}}
	hc.NetworkMode = container.NetworkMode(b.Network)
	if _, err := b.host.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: name, Config: cfg, HostConfig: hc, NetworkingConfig: nc,
	}); err != nil {
		return fmt.Errorf("create container %s: %w", name, err)
	}
	if _, err := b.host.ContainerStart(ctx, name, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start container %s: %w", name, err)
	}
	return nil
}

// waitEngine waits until node i's engine answers on tcp.
func (b *Bed) waitEngine(ctx context.Context, i int) error {
	c, err := b.Client(i)
	if err != nil {
		return err
	}
	n, _ := b.Node(i)
	return poll(ctx, engineTimeout, 100*time.Millisecond, n.Name+": engine answering on "+n.Host,
		func(ctx context.Context) (bool, error) {
			// A connection to an address nobody has yet may hang: retry instead.
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := c.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true})
			cancel()
			if err == nil {
				return true, nil
			}
			// Not worth waiting for an engine whose container has exited.
			if ins, ierr := b.host.ContainerInspect(ctx, n.Name, client.ContainerInspectOptions{}); ierr == nil &&
				ins.Container.State != nil && !ins.Container.State.Running {
				return false, permanent(fmt.Errorf("container %s exited (code %d; see `docker logs %s`)",
					n.Name, ins.Container.State.ExitCode, n.Name))
			}
			return false, err
		})
}

// Client returns a client for node i's engine, over tcp. It is made once
// and owned by the bed: do not Close it ([Bed.Close] does).
func (b *Bed) Client(i int) (*client.Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i < 0 || i >= len(b.Nodes) {
		return nil, fmt.Errorf("swarmbed %s: no node %d (the bed has %d)", b.Name, i, len(b.Nodes))
	}
	if b.closed {
		return nil, fmt.Errorf("swarmbed %s: closed", b.Name)
	}
	if b.state[i].removed {
		return nil, fmt.Errorf("swarmbed %s: node %s was removed", b.Name, b.Nodes[i].Name)
	}
	if b.clients[i] == nil {
		c, err := client.New(client.WithHost(b.Nodes[i].Host), client.WithUserAgent("gazr-swarmbed"))
		if err != nil {
			return nil, fmt.Errorf("swarmbed %s: client for %s: %w", b.Name, b.Nodes[i].Name, err)
		}
		b.clients[i] = c
	}
	return b.clients[i], nil
}

// Node returns node i as it is now (its swarm ID once known), and whether
// the bed has such a node (removed ones included).
func (b *Bed) Node(i int) (Node, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i < 0 || i >= len(b.Nodes) {
		return Node{}, false
	}
	return b.Nodes[i], true
}

// NodeList returns a copy of [Bed.Nodes], safe to read while nodes are
// added.
func (b *Bed) NodeList() []Node {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Node(nil), b.Nodes...)
}
