package app

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

func newCmdClusterScale(opts *ClusterOptions) *cli.Command {
	return &cli.Command{
		Name:      "scale",
		Usage:     "set the number of worker nodes: new machines join, removed ones are drained first",
		UsageText: "gazr cluster scale [--env <name>] [--yes] workers=<number>",
		Description: "Scaling out waits until the new workers are ready in the swarm; scaling in\n" +
			"drains the workers it removes, waits until their tasks run elsewhere, then\n" +
			"removes their machines. Removing workers asks first (--yes without a terminal).\n" +
			"Managers are not scaled: their group's size is set where it is made.\n\n" +
			"Examples:\n" +
			"  $ gazr cluster scale --env staging workers=4\n" +
			"  $ gazr cluster scale --env staging --yes workers=2",
		Flags: []cli.Flag{envFlag(), &cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "remove workers without asking"}},
		Action: clusterAction(opts, true, func(ctx context.Context, o *ClusterOptions, cmd *cli.Command) error {
			n, err := parseWorkers(cmd.Args().Slice())
			if err != nil {
				return &UsageError{Err: err}
			}
			o.Workers, o.Yes = n, cmd.Bool("yes")
			return runClusterScale(ctx, o)
		}),
	}
}

// parseWorkers reads cluster scale's one argument, workers=<number>.
func parseWorkers(args []string) (int, error) {
	switch len(args) {
	case 0:
		return 0, fmt.Errorf("cluster scale needs workers=<number>, e.g. gazr cluster scale --env staging workers=4")
	case 1:
	default:
		return 0, fmt.Errorf("cluster scale takes one workers=<number>, got %d arguments", len(args))
	}
	key, value, ok := strings.Cut(args[0], "=")
	switch {
	case key == "managers":
		return 0, fmt.Errorf("scaling managers is not supported: they hold the swarm's state (raft), and their number is set where their machines are made (the managers' group); gazr cluster scale sets workers=<number>")
	case !ok || key != "workers":
		return 0, fmt.Errorf("%q: want workers=<number>, e.g. workers=4", args[0])
	}
	n, err := strconv.ParseUint(value, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("%q: the number of workers must be a whole number, 0 or more, e.g. workers=4", args[0])
	}
	return int(n), nil
}

func runClusterScale(ctx context.Context, opts *ClusterOptions) error {
	t, err := clusterTarget(opts, "cluster scale", func(p deploy.Properties) bool { return p.ScaleNodes })
	if err != nil {
		return err
	}
	nodes, err := t.Backend.Nodes(ctx)
	if err != nil {
		return managerError(t.Env, err)
	}
	before, want := workers(nodes), opts.Workers
	if want < before {
		if err := confirmScaleIn(opts.IO, t.Env.Name, before, want, opts.Yes); err != nil {
			return err
		}
	}
	if want != before {
		fmt.Fprintf(opts.IO.ErrOut, "scaling the workers of %s from %d to %d…\n", t.Env.Name, before, want)
	}
	if err := t.Backend.ScaleNodes(ctx, want); err != nil {
		return managerError(t.Env, err)
	}
	if want == before {
		fmt.Fprintf(opts.IO.Out, "workers: already %d\n", want)
		return nil
	}
	fmt.Fprintf(opts.IO.Out, "workers: %d → %d\n", before, want)
	return nil
}

// workers counts the worker nodes and the machines meant to be workers,
// less those whose machine is gone or going (a worker just scaled in is
// shutting down for a while): what ScaleNodes sets.
func workers(nodes []deploy.Node) int {
	n := 0
	for _, node := range nodes {
		if !node.Manager && node.Machine != deploy.MachineGone && node.Machine != deploy.MachineStopping {
			n++
		}
	}
	return n
}

// confirmScaleIn asks before removing workers, as a deploy asks before
// deploying: on a terminal, else --yes.
func confirmScaleIn(io *iostreams.IOStreams, env string, before, after int, yes bool) error {
	if yes {
		return nil
	}
	if !io.StdinTTY {
		return &UsageError{Err: fmt.Errorf("scaling %s from %d to %d workers removes %d: pass --yes to do so without a terminal", env, before, after, before-after)}
	}
	fmt.Fprintf(io.ErrOut, "Remove %d of the %d workers of %s (drained first, their tasks moved)? [y/N] ", before-after, before, env)
	line, _ := bufio.NewReader(io.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return fmt.Errorf("cluster scale of %s cancelled: nothing changed", env)
	}
	return nil
}
