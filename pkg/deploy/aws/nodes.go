package aws

import (
	"context"
	"fmt"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// machineState maps EC2's instance states.
func machineState(ec2 string) deploy.MachineState {
	switch ec2 {
	case "pending":
		return deploy.MachinePending
	case "running":
		return deploy.MachineRunning
	case "stopping", "shutting-down":
		return deploy.MachineStopping
	case "stopped":
		return deploy.MachineStopped
	case "terminated":
		return deploy.MachineGone
	}
	return deploy.MachineUnknown
}

// member is an instance with the group it was found in.
type member struct {
	awsproto.Instance
	group   string
	manager bool
}

func members(cl *awsproto.Cluster) []member {
	var out []member
	for _, g := range []struct {
		g       awsproto.Group
		manager bool
	}{{cl.Managers, true}, {cl.Workers, false}} {
		for _, in := range g.g.Instances {
			out = append(out, member{Instance: in, group: g.g.ASG, manager: g.manager})
		}
	}
	return out
}

// join gives each swarm node its instance (by the Hostname tag the join
// script sets, else by private IP = the node's address), and appends the
// instances that have not joined: deploy.JoinMachines.
func join(cl *awsproto.Cluster, nodes []deploy.Node) []deploy.Node {
	var ms []deploy.Machine
	for _, m := range members(cl) {
		ms = append(ms, deploy.Machine{ID: m.ID, Hostname: m.Tags["Hostname"], Addr: m.PrivateIP, State: machineState(m.State),
			Manager: m.manager, Group: m.group, Host: m.Zone})
	}
	return deploy.JoinMachines(ms, nodes)
}

// Nodes implements deploy.Backend: the swarm's nodes joined with their
// instances, then the instances that have not joined.
func (b *Backend) Nodes(ctx context.Context) ([]deploy.Node, error) {
	nodes, _, api, err := b.nodes(ctx)
	if api != nil {
		api.Close()
	}
	return nodes, err
}

// nodes returns the joined nodes, the cluster and the manager client
// (which the caller closes, even with an error).
func (b *Backend) nodes(ctx context.Context) ([]deploy.Node, *awsproto.Cluster, deploy.SwarmAPI, error) {
	api, cl, err := b.session(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	list, err := deploy.ListNodes(ctx, api)
	if err != nil {
		return nil, nil, api, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	return join(cl, list), cl, api, nil
}

// PruneNodes implements deploy.Backend: it removes the swarm nodes whose
// instance is terminated or no longer exists, never one whose instance
// exists (stopped, it may come back). It refuses when no node matches an
// instance at all, or when a ready node matches none (a node whose
// instance is gone goes down): then the groups are wrongly set, not every
// machine gone.
func (b *Backend) PruneNodes(ctx context.Context) ([]deploy.Node, error) {
	nodes, _, api, err := b.nodes(ctx)
	if api != nil {
		defer api.Close()
	}
	if err != nil {
		return nil, err
	}
	removed, err := deploy.PruneGone(ctx, api, nodes, b.log, "instance", fmt.Sprintf("check managers and workers in [env.%s.aws]", b.env.Name))
	if err != nil {
		return removed, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	return removed, nil
}
