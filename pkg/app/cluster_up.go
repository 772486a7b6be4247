package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// Default numbers of cluster up: three managers keep quorum when one is
// lost; workers are added with cluster scale or workers=N.
const (
	defaultUpManagers = 3
	defaultUpWorkers  = 0
)

func newCmdClusterUp(opts *ClusterOptions) *cli.Command {
	return &cli.Command{
		Name:      "up",
		Usage:     "make the env's machines and form its swarm (backends that make machines: proxmox)",
		UsageText: "gazr cluster up [--env <name>] [managers=<number>] [workers=<number>]",
		Description: fmt.Sprintf("Makes the machines missing for that many managers and workers (default managers=%d,\n"+
			"workers=%d), starts them, makes the first manager a swarm and the others join it.\n"+
			"What exists is kept, and a second run changes nothing; an interrupted run is\n"+
			"finished by the next one. It never removes a machine: gazr cluster scale does.\n\n"+
			"Examples:\n"+
			"  $ gazr cluster up --env pve\n"+
			"  $ gazr cluster up --env pve managers=3 workers=2", defaultUpManagers, defaultUpWorkers),
		Flags: []cli.Flag{envFlag()},
		Action: clusterAction(opts, true, func(ctx context.Context, o *ClusterOptions, cmd *cli.Command) error {
			m, w, err := parseUp(cmd.Args().Slice())
			if err != nil {
				return &UsageError{Err: err}
			}
			o.Managers, o.Workers = m, w
			return runClusterUp(ctx, o)
		}),
	}
}

// parseUp reads cluster up's arguments, managers=<n> and workers=<n>, each
// at most once.
func parseUp(args []string) (managers, workers int, err error) {
	managers, workers = defaultUpManagers, defaultUpWorkers
	seen := map[string]bool{}
	for _, a := range args {
		key, value, ok := strings.Cut(a, "=")
		if !ok || key != "managers" && key != "workers" {
			return 0, 0, fmt.Errorf("%q: want managers=<number> or workers=<number>, e.g. gazr cluster up --env pve managers=3 workers=2", a)
		}
		if seen[key] {
			return 0, 0, fmt.Errorf("%s= is given twice", key)
		}
		seen[key] = true
		n, perr := strconv.ParseUint(value, 10, 31)
		if perr != nil {
			return 0, 0, fmt.Errorf("%q: the number of %s must be a whole number, e.g. %s=3", a, key, key)
		}
		if key == "managers" {
			managers = int(n)
		} else {
			workers = int(n)
		}
	}
	if managers < 1 {
		return 0, 0, fmt.Errorf("managers=0: a swarm needs at least one manager (three keep quorum when one is lost)")
	}
	return managers, workers, nil
}

func runClusterUp(ctx context.Context, opts *ClusterOptions) error {
	t, err := clusterTarget(opts, "cluster up", func(p deploy.Properties) bool { return p.Up })
	if err != nil {
		return err
	}
	changes, err := t.Backend.Up(ctx, opts.Managers, opts.Workers)
	// What was done is said even when Up stops half way: the next run
	// finishes it.
	for _, c := range changes {
		fmt.Fprintln(opts.IO.Out, c)
	}
	// Interrupted: ctx says so even when the step cut short (an ssh
	// command killed) does not wrap context.Canceled.
	if err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled)) {
		return &upInterruptedError{env: t.Env.Name, changes: len(changes), err: err}
	}
	if err != nil {
		return managerError(t.Env, err)
	}
	if len(changes) > 0 {
		return nil
	}
	nodes, err := t.Backend.Nodes(ctx)
	if err != nil {
		return managerError(t.Env, err)
	}
	managers := 0
	for _, n := range nodes {
		if n.Manager && n.Machine != deploy.MachineGone && n.Machine != deploy.MachineStopping {
			managers++
		}
	}
	fmt.Fprintf(opts.IO.Out, "%d managers, %d workers: already up\n", managers, workers(nodes))
	return nil
}

// upInterruptedError says, even though gazr was interrupted, that cluster
// up stopped half way, that what it made stays, and how to finish: a
// user pressing Ctrl-C during a clone must not believe nothing changed.
type upInterruptedError struct {
	env     string
	changes int // made before the interruption (printed on stdout)
	err     error
}

func (e *upInterruptedError) Error() string {
	what := "changes"
	if e.changes == 1 {
		what = "change"
	}
	return fmt.Sprintf("cluster up --env %s interrupted after %d %s: what it made is kept; run it again to finish "+
		"(a clone PVE had started goes on, and the next run waits for it and uses its VM)", e.env, e.changes, what)
}

func (e *upInterruptedError) Unwrap() error { return e.err }

// ReportOnInterrupt tells exitCode to print the message even though gazr
// was interrupted.
func (e *upInterruptedError) ReportOnInterrupt() bool { return true }
