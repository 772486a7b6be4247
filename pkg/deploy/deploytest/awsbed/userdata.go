package awsbed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// JoinWait bounds how long a launched node's user data looks for a
// manager to join (the reference script's SWARM_JOIN_WAIT, 900 s there).
const JoinWait = 2 * time.Minute

// joinRetry is the pause between two rounds of the join (10 s in the
// reference script).
const joinRetry = time.Second

// runUserData does on node i, launched at that time (the real one: the
// fake's clock may be a test's), what the reference user data
// (docs/aws/user-data.sh) does on instance id at first boot, reading the
// fake as its `aws ec2 describe-instances` calls would: its role from its
// Name tag; unless already in the swarm, the join through a running
// manager of the env tagged Init=true, with the join token of that
// manager's engine (the script reads it from Parameter Store, which the
// fake does not have); for a manager, the removal of the Down nodes of
// the env's terminated instances; last, the tags Init=true and Hostname.
func (b *Bed) runUserData(ctx context.Context, id string, i int, launched time.Time) error {
	t0 := time.Now()
	inst, ok := b.Fake.Instance(id)
	if !ok {
		return fmt.Errorf("instance %s is not listed", id)
	}
	var manager bool
	switch inst.Tags["Name"] {
	case b.ManagerName():
		manager = true
	case b.WorkerName():
	default:
		return fmt.Errorf("instance %s is tagged Name=%s, neither %s nor %s", id, inst.Tags["Name"], b.ManagerName(), b.WorkerName())
	}
	c, err := b.Swarm.Client(i)
	if err != nil {
		return err
	}
	info, err := c.Info(ctx, client.InfoOptions{})
	if err != nil {
		return fmt.Errorf("docker info: %w", err)
	}
	if info.Info.Swarm.LocalNodeState != swarm.LocalNodeStateActive {
		if err := b.enter(ctx, id, i, manager); err != nil {
			return err
		}
	}
	if manager {
		if err := b.pruneTerminated(ctx, c); err != nil {
			b.logf("%s: removing the nodes of terminated instances: %v", id, err)
		}
	}
	if info, err = c.Info(ctx, client.InfoOptions{}); err != nil {
		return fmt.Errorf("docker info: %w", err)
	}
	if err := b.Fake.SetTags(id, map[string]string{"Init": "true", "Hostname": info.Info.Name}); err != nil {
		return err
	}
	b.logf("%s: %s in the swarm and tagged Init=true, %s after its launch", id, info.Info.Name, time.Since(launched).Round(time.Millisecond))
	b.logf("%s: user data took %s", id, time.Since(t0).Round(time.Millisecond))
	return nil
}

// enter joins node i to the swarm through one of the env's joined
// managers, trying them in turn, again every joinRetry until JoinWait.
func (b *Bed) enter(ctx context.Context, id string, i int, manager bool) error {
	ctx, cancel := context.WithTimeout(ctx, JoinWait)
	defer cancel()
	var last error
	for {
		ips := b.joinedManagers(id)
		if len(ips) == 0 {
			last = fmt.Errorf("no running manager tagged Name=%s,Init=true", b.ManagerName())
		}
		for _, ip := range ips {
			if last = b.joinThrough(ctx, i, ip, manager); last == nil {
				return nil
			}
			b.logf("%s: %v", id, last)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no manager let instance %s in within %s: %w (last: %v)", id, JoinWait, ctx.Err(), last)
		case <-time.After(joinRetry):
		}
	}
}

// joinedManagers are the private IPs of the env's pending and running
// managers tagged Init=true but id, oldest first: the script's
// describe-instances with filters tag:Name and instance-state-name.
func (b *Bed) joinedManagers(id string) []string {
	var found []awsfake.Instance
	for _, in := range b.Fake.Instances() {
		if in.ID != id && in.Tags["Name"] == b.ManagerName() && in.Tags["Init"] == "true" && in.PrivateIP != "" &&
			(in.State == awsfake.StatePending || in.State == awsfake.StateRunning) {
			found = append(found, in)
		}
	}
	slices.SortStableFunc(found, func(a, b awsfake.Instance) int { return a.LaunchTime.Compare(b.LaunchTime) })
	var ips []string
	for _, in := range found {
		ips = append(ips, in.PrivateIP)
	}
	return ips
}

// joinThrough joins node i through the manager at ip with its engine's
// join token for the role; a failed join is left (docker swarm leave
// --force) so that the next try starts clean.
func (b *Bed) joinThrough(ctx context.Context, i int, ip string, manager bool) error {
	mc, err := b.engineAt(ip)
	if err != nil {
		return err
	}
	sw, err := mc.SwarmInspect(ctx, client.SwarmInspectOptions{})
	if err != nil {
		return fmt.Errorf("join token from %s: %w", ip, err)
	}
	token := sw.Swarm.JoinTokens.Worker
	if manager {
		token = sw.Swarm.JoinTokens.Manager
	}
	if err := b.Swarm.JoinVia(ctx, i, ip, token); err != nil {
		if c, cerr := b.Swarm.Client(i); cerr == nil {
			_, _ = c.SwarmLeave(ctx, client.SwarmLeaveOptions{Force: true})
		}
		return fmt.Errorf("join through %s: %w", ip, err)
	}
	return nil
}

// engineAt is the client of the node whose address is ip.
func (b *Bed) engineAt(ip string) (*client.Client, error) {
	for _, n := range b.Swarm.NodeList() {
		if n.Addr == ip {
			return b.Swarm.Client(n.Index)
		}
	}
	return nil, fmt.Errorf("no node of the bed at %s", ip)
}

// pruneTerminated removes, through manager c, the Down nodes whose
// hostname is that of a terminated instance of the env and of no live
// one (the script's prune_terminated: a hostname both gone and live is
// left alone).
func (b *Bed) pruneTerminated(ctx context.Context, c *client.Client) error {
	gone, live := map[string]bool{}, map[string]bool{}
	for _, in := range b.Fake.Instances() {
		name, host := in.Tags["Name"], in.Tags["Hostname"]
		if host == "" || (name != b.ManagerName() && name != b.WorkerName()) {
			continue
		}
		if in.State == awsfake.StateTerminated {
			gone[host] = true
		} else {
			live[host] = true
		}
	}
	if len(gone) == 0 {
		return nil
	}
	list, err := c.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return err
	}
	var errs []string
	for _, n := range list.Items {
		h := n.Description.Hostname
		if n.Status.State != swarm.NodeStateDown || !gone[h] || live[h] {
			continue
		}
		if err := removeNode(ctx, c, n); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		b.logf("removed node %s (%s): its instance is terminated", h, n.ID)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// removeNode demotes n if it is a manager, then removes it.
func removeNode(ctx context.Context, c *client.Client, n swarm.Node) error {
	if n.Spec.Role == swarm.NodeRoleManager {
		spec := n.Spec
		spec.Role = swarm.NodeRoleWorker
		if _, err := c.NodeUpdate(ctx, n.ID, client.NodeUpdateOptions{Version: n.Version, Spec: spec}); err != nil {
			return fmt.Errorf("demote %s: %w", n.Description.Hostname, err)
		}
	}
	if _, err := c.NodeRemove(ctx, n.ID, client.NodeRemoveOptions{Force: true}); err != nil {
		return fmt.Errorf("remove %s: %w", n.Description.Hostname, err)
	}
	return nil
}
