package aws

import (
	"context"
	"fmt"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// ScaleNodes implements deploy.Backend through the workers' Auto Scaling
// group. Out: its desired capacity becomes workers, then it waits until
// that many workers are Ready. In: it picks the victims (instances not
// joined, then the workers running the fewest tasks, never a manager),
// drains them, waits until their tasks run elsewhere, terminates them
// with the desired capacity decremented, and removes their nodes.
func (b *Backend) ScaleNodes(ctx context.Context, workers int) error {
	if workers < 0 {
		return fmt.Errorf("env %s: scale to %d workers: want 0 or more", b.env.Name, workers)
	}
	nodes, cl, api, err := b.nodes(ctx)
	if api != nil {
		defer api.Close()
	}
	if err != nil {
		return err
	}
	g := cl.Workers
	if g.ASG == "" {
		return fmt.Errorf("env %s: the workers (%s) belong to no Auto Scaling group, which scaling needs; set workers = { asg = \"…\" } in [env.%s.aws]",
			b.env.Name, or(g.Searched, "the workers group"), b.env.Name)
	}
	if workers != g.Desired && (workers < g.Min || workers > g.Max) {
		// Refused before anything is said or changed: scaling in below the
		// group's min would drain the victims, then fail to terminate them.
		return &config.Error{Msg: fmt.Sprintf("env %s: cannot scale to %d workers: the workers group %s allows %d to %d (its min and max size); change them in your infrastructure code first",
			b.env.Name, workers, g.ASG, g.Min, g.Max)}
	}
	switch {
	case workers > g.Desired:
		fmt.Fprintf(b.log, "workers: %d → %d (desired capacity of %s)\n", g.Desired, workers, g.ASG)
		if _, err := b.call(ctx, awsproto.Request{Op: awsproto.OpSetDesired, Role: awsproto.RoleWorkers, Desired: workers}); err != nil {
			return err
		}
	case workers < g.Desired:
		if err := b.scaleIn(ctx, api, nodes, g, workers); err != nil {
			return err
		}
	}
	if err := deploy.WaitWorkers(ctx, api, workers, b.log, b.poll); err != nil {
		return fmt.Errorf("env %s: scale to %d workers: %w", b.env.Name, workers, err)
	}
	return nil
}

// scaleIn retires g.Desired-workers workers of group g.
func (b *Backend) scaleIn(ctx context.Context, api deploy.SwarmAPI, nodes []deploy.Node, g awsproto.Group, workers int) error {
	var cands []deploy.Node
	for _, n := range nodes {
		// Only the group's live instances: a node whose machine is gone is
		// PruneNodes' business, and terminating it would decrement twice.
		if !n.Manager && n.Group == g.ASG && n.Instance != "" && n.Machine != deploy.MachineGone && n.Machine != deploy.MachineStopping {
			cands = append(cands, n)
		}
	}
	tasks, err := deploy.RunningTasks(ctx, api)
	if err != nil {
		return fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	victims := deploy.PickVictims(cands, tasks, g.Desired-workers)
	if len(victims) == 0 {
		return nil
	}
	ids := make([]string, len(victims))
	for i, v := range victims {
		ids[i] = v.Instance
	}
	fmt.Fprintf(b.log, "workers: %d → %d: retiring %v\n", g.Desired, workers, ids)
	terminate := func(ctx context.Context) error {
		_, err := b.call(ctx, awsproto.Request{Op: awsproto.OpTerminateInGroup, Role: awsproto.RoleWorkers, InstanceIDs: ids, Decrement: true})
		return err
	}
	if err := deploy.RetireNodes(ctx, api, victims, terminate, b.log, b.poll); err != nil {
		return fmt.Errorf("env %s: scale to %d workers: %w", b.env.Name, workers, err)
	}
	return nil
}
