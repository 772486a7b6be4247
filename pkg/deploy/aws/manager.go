package aws

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// Ports of the engine's TCP socket, by access.
const (
	tlsPort = 2376
	tcpPort = 2375
)

// dial reaches the engine at ep: as an active swarm manager, or any
// engine that answers.
func dial(ctx context.Context, ep deploy.Endpoint, manager bool) (deploy.SwarmAPI, error) {
	if manager {
		return deploy.DialManager(ctx, ep)
	}
	return deploy.DialEngine(ctx, ep)
}

// Manager implements deploy.Backend: the running manager instances,
// those that joined the swarm (tag Init=true) first, are tried in turn
// until one answers as an active manager (failover); manager = "…" in
// [env.X] pins one instead.
func (b *Backend) Manager(ctx context.Context) (deploy.SwarmAPI, error) {
	if b.env.Manager != "" {
		return b.pinned(ctx)
	}
	cl, err := b.describe(ctx)
	if err != nil {
		return nil, err
	}
	return b.managerOf(ctx, cl)
}

// session returns the env's cluster as AWS describes it and a manager.
func (b *Backend) session(ctx context.Context) (deploy.SwarmAPI, *awsproto.Cluster, error) {
	cl, err := b.describe(ctx)
	if err != nil {
		return nil, nil, err
	}
	var api deploy.SwarmAPI
	if b.env.Manager != "" {
		api, err = b.pinned(ctx)
	} else {
		api, err = b.managerOf(ctx, cl)
	}
	return api, cl, err
}

func (b *Backend) pinned(ctx context.Context) (deploy.SwarmAPI, error) {
	ep, err := deploy.ResolveEndpoint(b.env)
	if err != nil {
		return nil, err
	}
	api, _, err := deploy.FirstManager(ctx, []deploy.Endpoint{ep}, b.dialManager)
	if err != nil {
		return nil, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	return api, nil
}

func (b *Backend) dialManager(ctx context.Context, ep deploy.Endpoint) (deploy.SwarmAPI, error) {
	return b.dial(ctx, ep, true)
}

// describe asks AWS for the env's two groups.
func (b *Backend) describe(ctx context.Context) (*awsproto.Cluster, error) {
	res, err := b.call(ctx, awsproto.Request{Op: awsproto.OpDescribe})
	if err != nil {
		return nil, err
	}
	if res.Cluster == nil {
		return nil, fmt.Errorf("env %s: gazr-aws describe answered no cluster", b.env.Name)
	}
	return res.Cluster, nil
}

// managerOf tries the cluster's manager candidates.
func (b *Backend) managerOf(ctx context.Context, cl *awsproto.Cluster) (deploy.SwarmAPI, error) {
	cands := candidates(cl.Managers)
	if len(cands) == 0 {
		return nil, fmt.Errorf("env %s: %w: no running manager instance (searched %s: %s); start one, or correct managers in [env.%s.aws] (default: tags Name=SwarmManager-%s) and its region",
			b.env.Name, deploy.ErrUnreachable, or(cl.Managers.Searched, "the managers group"), census(cl.Managers), b.env.Name, b.env.Name)
	}
	eps := make([]deploy.Endpoint, len(cands))
	for i, inst := range cands {
		eps[i] = b.endpoint(inst)
	}
	skipped := b.skipped(cl.Managers)
	api, ep, err := deploy.FirstManager(ctx, eps, b.dialManager)
	if err != nil {
		for _, s := range skipped {
			err = fmt.Errorf("%w; %s: not tried, its instance is %s", err, s.Host, s.State)
		}
		return nil, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	for _, s := range skipped {
		fmt.Fprintf(b.log, "manager %s: skipped, its instance is %s\n", s.Host, s.State)
	}
	if ep.Host != eps[0].Host {
		fmt.Fprintf(b.log, "manager %s answered (the ones before it did not)\n", ep.Host)
	}
	return api, nil
}

// skippedManager is a manager instance that is not tried: neither
// running nor gone.
type skippedManager struct{ Host, State string }

// skipped are the group's instances that are stopping, stopped or still
// pending: a manager failover says it passed them by (a terminated
// instance is no manager any more).
func (b *Backend) skipped(g awsproto.Group) []skippedManager {
	var out []skippedManager
	for _, in := range g.Instances {
		switch in.State {
		case "running", "shutting-down", "terminated":
			continue
		}
		out = append(out, skippedManager{Host: fmt.Sprintf("%s (%s)", in.ID, or(b.address(in), "no address")), State: in.State})
	}
	return out
}

// census says how many instances a group has, by state.
func census(g awsproto.Group) string {
	if len(g.Instances) == 0 {
		return "no instance"
	}
	by := map[string]int{}
	for _, in := range g.Instances {
		by[in.State]++
	}
	var parts []string
	for _, st := range slices.Sorted(maps.Keys(by)) {
		parts = append(parts, fmt.Sprintf("%d %s", by[st], st))
	}
	return strings.Join(parts, ", ")
}

// candidates are a group's running instances, those that joined the
// swarm (tag Init=true) first, then the oldest first.
func candidates(g awsproto.Group) []awsproto.Instance {
	var out []awsproto.Instance
	for _, in := range g.Instances {
		if in.State == "running" && in.PrivateIP+in.PublicIP != "" {
			out = append(out, in)
		}
	}
	joined := func(in awsproto.Instance) int {
		if in.Tags["Init"] == "true" {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b awsproto.Instance) int {
		return cmp.Or(cmp.Compare(joined(a), joined(b)), a.LaunchTime.Compare(b.LaunchTime), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// address is where gazr reaches an instance: its private address through
// a jump host, else its public one when it has one.
func (b *Backend) address(in awsproto.Instance) string {
	if b.cfg.Jump == "" && in.PublicIP != "" {
		return in.PublicIP
	}
	return cmp.Or(in.PrivateIP, in.PublicIP)
}

// endpoint is how gazr reaches an instance's engine, as access says.
func (b *Backend) endpoint(in awsproto.Instance) deploy.Endpoint {
	ip := b.address(in)
	ep := deploy.Endpoint{Host: fmt.Sprintf("%s (%s)", in.ID, ip)}
	switch b.cfg.Access {
	case "tls":
		tls := b.env.TLS
		ep.Opts = []client.Opt{client.WithHost(fmt.Sprintf("tcp://%s:%d", ip, tlsPort)), client.WithTLSClientConfig(tls.CA, tls.Cert, tls.Key)}
	case "tcp":
		ep.Opts = []client.Opt{client.WithHost(fmt.Sprintf("tcp://%s:%d", ip, tcpPort))}
	default:
		ep.Opts = deploy.SSHOpts(sshconn.Target{User: b.cfg.SSHUser, Host: ip, Jump: b.cfg.Jump})
	}
	return ep
}
