package app

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
)

func newCmdClusterApply(opts *ClusterOptions) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "make the env's configured schedule of workers the one in force, so it runs without gazr",
		UsageText: "gazr cluster apply [--env <name>]",
		Description: "The schedule is the schedule key of the env's backend table, e.g.\n" +
			"  [env.staging.aws]\n" +
			"  schedule = [{ cron = \"0 7 * * 1-5\", workers = 25, tz = \"Europe/Paris\" },\n" +
			"              { cron = \"0 20 * * *\", workers = 3, tz = \"Europe/Paris\" }]\n" +
			"Scheduled changes gazr did not write are kept. A second apply changes nothing.\n\n" +
			"Examples:\n" +
			"  $ gazr cluster apply --env staging\n" +
			"  $ gazr cluster status --env staging      # the schedule in force, and the next times",
		Flags:  []cli.Flag{envFlag()},
		Action: clusterAction(opts, false, func(ctx context.Context, o *ClusterOptions, _ *cli.Command) error { return runClusterApply(ctx, o) }),
	}
}

func runClusterApply(ctx context.Context, opts *ClusterOptions) error {
	t, err := clusterTarget(opts, "cluster apply", func(p deploy.Properties) bool { return p.Schedule })
	if err != nil {
		return err
	}
	changes, err := t.Backend.ApplySchedule(ctx)
	if err != nil {
		return managerError(t.Env, err)
	}
	if len(changes) == 0 {
		fmt.Fprintln(opts.IO.Out, "schedule already in force")
		return nil
	}
	for _, c := range changes {
		fmt.Fprintln(opts.IO.Out, c)
	}
	return nil
}

func newCmdClusterPrune(opts *ClusterOptions) *cli.Command {
	return &cli.Command{
		Name:      "prune",
		Usage:     "remove from the swarm the nodes whose machine is gone",
		UsageText: "gazr cluster prune [--env <name>]",
		Description: "A node whose machine still exists, even stopped or down, is kept: it may come\n" +
			"back.\n\n" +
			"Examples:\n" +
			"  $ gazr cluster prune --env staging",
		Flags:  []cli.Flag{envFlag()},
		Action: clusterAction(opts, false, func(ctx context.Context, o *ClusterOptions, _ *cli.Command) error { return runClusterPrune(ctx, o) }),
	}
}

func runClusterPrune(ctx context.Context, opts *ClusterOptions) error {
	t, err := clusterTarget(opts, "cluster prune", func(p deploy.Properties) bool { return p.PruneNodes })
	if err != nil {
		return err
	}
	removed, err := t.Backend.PruneNodes(ctx)
	if err != nil {
		return managerError(t.Env, err)
	}
	if len(removed) == 0 {
		fmt.Fprintln(opts.IO.Out, "nothing to prune")
		return nil
	}
	for _, n := range removed {
		machine := ""
		if n.Instance != "" {
			machine = ", machine " + n.Instance
		}
		fmt.Fprintf(opts.IO.Out, "removed node %s (%s%s)\n", dash(n.Hostname), n.ID, machine)
	}
	return nil
}

func newCmdClusterCheck(opts *ClusterOptions) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check what deploying to the env needs, as its backend sees it",
		UsageText: "gazr cluster check [--env <name>]",
		Description: "The env's checks of gazr doctor --env, alone: one line per check (✔ ok,\n" +
			"! warning, ✘ failure) with a fix under each problem. Exits 1 when a check fails.\n\n" +
			"Examples:\n" +
			"  $ gazr cluster check --env staging",
		Flags:  []cli.Flag{envFlag()},
		Action: clusterAction(opts, false, func(ctx context.Context, o *ClusterOptions, _ *cli.Command) error { return runClusterCheck(ctx, o) }),
	}
}

func runClusterCheck(ctx context.Context, opts *ClusterOptions) error {
	t, err := clusterTarget(opts, "cluster check", func(p deploy.Properties) bool { return p.Check })
	if err != nil {
		return err
	}
	fs, err := t.Backend.Check(ctx)
	if err != nil {
		return managerError(t.Env, err)
	}
	rs := findingResults("env "+t.Env.Name, fs)
	reportChecks(opts.IO, rs)
	if n := countFailed(rs); n > 0 {
		return fmt.Errorf("%d of %d checks of env %s failed: apply the fixes above, then run gazr cluster check --env %s again", n, len(rs), t.Env.Name, t.Env.Name)
	}
	return nil
}
