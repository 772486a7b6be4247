package proxmox

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// swarmPort is the port of the swarm's managers (raft, joins).
const swarmPort = "2377"

// formSwarm makes the env's VMs (running, with the addresses ips) one
// swarm: when every manager VM's engine answers and none is an active
// manager, the first manager VM initialises it (advertising its
// address); the VMs not in it join, each in its role. Each change is said
// in changes. A manager VM that does not answer stops it: it may hold the
// swarm, and a second swarm must not be made.
func (b *Backend) formSwarm(ctx context.Context, vms []vm, ips map[int]string, changes *[]string) error {
	leader, err := b.leader(ctx, vms, ips)
	if err != nil {
		return err
	}
	if leader == nil {
		first := vms[0] // managers come first, and Up wants one at least
		if leader, err = b.engine(ctx, first, ips[first.ID]); err != nil {
			return err
		}
		if _, err := leader.SwarmInit(ctx, client.SwarmInitOptions{ListenAddr: "0.0.0.0:" + swarmPort, AdvertiseAddr: ips[first.ID]}); err != nil {
			leader.Close()
			return fmt.Errorf("env %s: docker swarm init on %s: %w", b.env.Name, first, err)
		}
		*changes = append(*changes, fmt.Sprintf("initialised the swarm on %s (%s)", first, ips[first.ID]))
	}
	defer leader.Close()
	for _, v := range vms {
		joined, err := b.join(ctx, leader, v, ips[v.ID])
		if err != nil {
			return err
		}
		if joined {
			*changes = append(*changes, fmt.Sprintf("%s joined the swarm as a %s", v, v.Role))
		}
	}
	return nil
}

// leader returns the engine of the first manager VM that is an active
// swarm manager; nil when every manager VM answers and none is.
func (b *Backend) leader(ctx context.Context, vms []vm, ips map[int]string) (deploy.SwarmAPI, error) {
	for _, v := range vms {
		if v.Role != roleManager {
			continue
		}
		api, err := b.engine(ctx, v, ips[v.ID])
		if err != nil {
			return nil, err
		}
		info, err := api.Info(ctx, client.InfoOptions{})
		if err != nil {
			api.Close()
			return nil, fmt.Errorf("env %s: engine info of %s: %w", b.env.Name, v, err)
		}
		if sw := info.Info.Swarm; sw.LocalNodeState == swarm.LocalNodeStateActive && sw.ControlAvailable {
			return api, nil
		}
		api.Close()
	}
	return nil, nil
}

// engine dials the engine of v at ip, within deploy.ManagerTry. An
// engine that does not answer is deploy.ErrUnreachable (exit 125), said
// in ssh's own words when ssh failed.
func (b *Backend) engine(ctx context.Context, v vm, ip string) (deploy.SwarmAPI, error) {
	tctx, cancel := context.WithTimeout(ctx, deploy.ManagerTry)
	defer cancel()
	ep := b.endpoint(v, ip)
	api, err := b.dial(tctx, ep, false)
	if err != nil {
		var se *sshconn.Error
		if errors.As(err, &se) {
			err = se
		}
		return nil, marked{fmt.Errorf("env %s: the engine of %s at %s does not answer: %w; check that docker runs in the template, and that %s logs in with your key (ssh_key in [env.%s.proxmox])",
			b.env.Name, v, ip, err, or(b.cfg.SSHUser, "ssh's user"), b.env.Name), deploy.ErrUnreachable}
	}
	return api, nil
}

// join makes v (at ip) a node of the swarm that mgr manages, in its role,
// unless its engine is in a swarm already; it says whether it joined.
func (b *Backend) join(ctx context.Context, mgr deploy.SwarmAPI, v vm, ip string) (bool, error) {
	eng, err := b.engine(ctx, v, ip)
	if err != nil {
		return false, err
	}
	defer eng.Close()
	info, err := eng.Info(ctx, client.InfoOptions{})
	if err != nil {
		return false, fmt.Errorf("env %s: engine info of %s: %w", b.env.Name, v, err)
	}
	switch info.Info.Swarm.LocalNodeState {
	case swarm.LocalNodeStateActive:
		return false, nil
	case swarm.LocalNodeStatePending, swarm.LocalNodeStateError:
		// A join that never finished (an interrupted run): start again.
		_, _ = eng.SwarmLeave(ctx, client.SwarmLeaveOptions{Force: true})
	}
	remotes, err := managerAddrs(ctx, mgr)
	if err != nil {
		return false, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	sw, err := mgr.SwarmInspect(ctx, client.SwarmInspectOptions{})
	if err != nil {
		return false, fmt.Errorf("env %s: swarm join tokens: %w", b.env.Name, err)
	}
	tok := sw.Swarm.JoinTokens.Worker
	if v.Role == roleManager {
		tok = sw.Swarm.JoinTokens.Manager
	}
	_, err = eng.SwarmJoin(ctx, client.SwarmJoinOptions{ListenAddr: "0.0.0.0:" + swarmPort, AdvertiseAddr: ip, RemoteAddrs: remotes, JoinToken: tok})
	if err != nil {
		return false, fmt.Errorf("env %s: docker swarm join on %s (managers %v): %w", b.env.Name, v, remotes, err)
	}
	return true, nil
}

// managerAddrs are the addresses a node joins the swarm of mgr at.
func managerAddrs(ctx context.Context, mgr client.SystemAPIClient) ([]string, error) {
	info, err := mgr.Info(ctx, client.InfoOptions{})
	if err != nil {
		return nil, fmt.Errorf("engine info of the manager: %w", err)
	}
	var out []string
	for _, p := range info.Info.Swarm.RemoteManagers {
		out = append(out, p.Addr)
	}
	if len(out) == 0 && info.Info.Swarm.NodeAddr != "" {
		out = append(out, net.JoinHostPort(info.Info.Swarm.NodeAddr, swarmPort))
	}
	return out, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
