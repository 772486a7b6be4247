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

// startNodes creates and starts every node container in parallel and waits
// for their engines.
func (b *Bed) startNodes(ctx context.Context) error {
	img, err := b.host.ImageInspect(ctx, b.opts.Image)
	if err != nil {
		return fmt.Errorf("image %s: %w", b.opts.Image, err)
	}
	if len(img.Config.Cmd) == 0 {
		return fmt.Errorf("image %s has no CMD (want one starting dockerd on tcp://0.0.0.0:2375)", b.opts.Image)
	}
	b.Nodes = make([]Node, b.opts.Nodes)
	for i := range b.Nodes {
		addr := b.hostAddr(firstNodeHost + i)
		b.Nodes[i] = Node{
			Name:    fmt.Sprintf("%s-node%d", b.Name, i),
			Addr:    addr.String(),
			Host:    fmt.Sprintf("tcp://%s:2375", addr),
			Manager: i < b.opts.Managers,
		}
	}
	errs := make([]error, len(b.Nodes))
	var wg sync.WaitGroup
	for i := range b.Nodes {
		wg.Go(func() {
			t0 := time.Now()
			if errs[i] = b.createNode(ctx, i, img.Config.Cmd); errs[i] != nil {
				return
			}
			if errs[i] = b.waitEngine(ctx, i); errs[i] == nil {
				b.logf("%s: engine up in %s", b.Nodes[i].Name, since(t0))
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// createNode creates and starts node i's container. The flags are those an
// engine needs to run in a container on a host that refuses --privileged
// (no CAP_SYS_RESOURCE): every other capability, no seccomp/AppArmor
// confinement, writable /proc and /sys paths, all devices, and the host's
// cgroup hierarchy. /var/lib/docker is a named volume so that a stopped
// node keeps its swarm state and images.
func (b *Bed) createNode(ctx context.Context, i int, cmd []string) error {
	n := b.Nodes[i]
	vol := n.Name + "-docker"
	if _, err := b.host.VolumeCreate(ctx, client.VolumeCreateOptions{Name: vol, Labels: b.labels("node")}); err != nil {
		return fmt.Errorf("%s: create volume: %w", n.Name, err)
	}
	args := append([]string(nil), cmd...)
	args = append(args,
		"--insecure-registry="+b.Subnet,
		// Inner containers' cgroups go in a tree of the bed's own, which
		// Close removes: a node killed with running tasks leaves theirs.
		"--cgroup-parent="+b.cgroupParent()+"/"+fmt.Sprint(i),
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
	return b.runContainer(ctx, n.Name, b.hostAddr(firstNodeHost+i).String(), &container.Config{
		Image:    b.opts.Image,
		Hostname: n.Name,
		Cmd:      args,
		Labels:   b.labels("node"),
	}, hc)
}

// startRegistry starts the registry at its fixed address; its storage is a
// tmpfs, gone with the container.
func (b *Bed) startRegistry(ctx context.Context) error {
	addr := b.hostAddr(registryHost).String()
	err := b.runContainer(ctx, b.Name+"-registry", addr,
		&container.Config{Image: RegistryImage, Labels: b.labels("registry")},
		&container.HostConfig{Tmpfs: map[string]string{"/var/lib/docker-registry": ""}})
	if err != nil {
		return err
	}
	b.RegistryAddr = addr + ":5000"
	return nil
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
	name := b.Nodes[i].Name
	return poll(ctx, engineTimeout, 100*time.Millisecond, name+": engine answering on "+b.Nodes[i].Host,
		func(ctx context.Context) (bool, error) {
			// A connection to an address nobody has yet may hang: retry instead.
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := c.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true})
			cancel()
			if err == nil {
				return true, nil
			}
			// Not worth waiting for an engine whose container has exited.
			if ins, ierr := b.host.ContainerInspect(ctx, name, client.ContainerInspectOptions{}); ierr == nil &&
				ins.Container.State != nil && !ins.Container.State.Running {
				return false, permanent(fmt.Errorf("container %s exited (code %d; see `docker logs %s`)",
					name, ins.Container.State.ExitCode, name))
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
	if b.clients[i] == nil {
		c, err := client.New(client.WithHost(b.Nodes[i].Host), client.WithUserAgent("gazr-swarmbed"))
		if err != nil {
			return nil, fmt.Errorf("swarmbed %s: client for %s: %w", b.Name, b.Nodes[i].Name, err)
		}
		b.clients[i] = c
	}
	return b.clients[i], nil
}

// StopNode simulates the loss of node i: its container is stopped at once
// (SIGKILL, no grace period, like a power cut), keeping its volume. The
// swarm marks it Down after about three heartbeat periods.
func (b *Bed) StopNode(ctx context.Context, i int) error {
	if _, err := b.Client(i); err != nil {
		return err
	}
	// Timeout 0: SIGKILL right after SIGTERM; the call returns once the
	// container has exited.
	zero := 0
	if _, err := b.host.ContainerStop(ctx, b.Nodes[i].Name, client.ContainerStopOptions{Timeout: &zero}); err != nil {
		return fmt.Errorf("swarmbed %s: stop %s: %w", b.Name, b.Nodes[i].Name, err)
	}
	b.mu.Lock()
	b.stopped[i] = true
	b.mu.Unlock()
	return nil
}

// StartNode starts node i's container again and waits until its engine
// answers and the swarm sees the node Ready (and, for a manager,
// reachable) again. It keeps its address, swarm identity and images.
func (b *Bed) StartNode(ctx context.Context, i int) error {
	if _, err := b.Client(i); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := b.host.ContainerStart(ctx, b.Nodes[i].Name, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("swarmbed %s: start %s: %w", b.Name, b.Nodes[i].Name, err)
	}
	b.mu.Lock()
	b.stopped[i] = false
	b.mu.Unlock()
	if err := b.waitEngine(ctx, i); err != nil {
		return fmt.Errorf("swarmbed %s: %w", b.Name, err)
	}
	if err := b.waitReady(ctx); err != nil {
		return fmt.Errorf("swarmbed %s: %w", b.Name, err)
	}
	b.logf("%s: back and Ready in %s", b.Nodes[i].Name, since(t0))
	return nil
}

// running returns the indexes of the nodes not stopped by StopNode.
func (b *Bed) running() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []int
	for i, s := range b.stopped {
		if !s {
			out = append(out, i)
		}
	}
	return out
}
