package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/schedule"
)

// ScaleOptions are the inputs of `gazr scale`.
type ScaleOptions struct {
	IO       *iostreams.IOStreams
	Target   func(env string, initSwarm swarmInit) (*Target, error)
	Env      string
	Replicas map[string]uint64
}

func newCmdScale(f *Factory) *cli.Command {
	opts := &ScaleOptions{IO: f.IO, Target: f.LoadTarget}
	return &cli.Command{
		Name:      "scale",
		Usage:     "set the replicas of services in an environment",
		UsageText: "gazr scale [--env <name>] <service>=<replicas>...",
		Category:  "deploy",
		Description: "Examples:\n" +
			"  $ gazr scale --env production web=25\n" +
			"  $ gazr scale web=3 worker=1",
		Flags: []cli.Flag{envFlag()},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			want, err := parseScale(cmd.Args().Slice())
			if err != nil {
				return &UsageError{Err: err}
			}
			opts.Env, opts.Replicas = cmd.String("env"), want
			return runScale(ctx, opts)
		},
	}
}

func parseScale(args []string) (map[string]uint64, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("scale needs at least one service=replicas, e.g. gazr scale web=3")
	}
	want := map[string]uint64{}
	for _, a := range args {
		name, n, ok := strings.Cut(a, "=")
		count, err := strconv.ParseUint(n, 10, 32)
		if !ok || name == "" || err != nil {
			return nil, fmt.Errorf("%q: want service=replicas with a whole number, e.g. web=3", a)
		}
		want[name] = count
	}
	return want, nil
}

func runScale(ctx context.Context, opts *ScaleOptions) error {
	return onEnv(ctx, opts.Target, opts.Env, func(t *Target, api deploy.SwarmAPI, ns string) error {
		// New tasks may pull on nodes that lack the image. Not reaching
		// the registry's credential must not stop a scale: try without.
		reg, err := deploy.NewRegistrySession(ctx, t.Backend, nil)
		if err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "warning: registry credentials: %v; scaling without them\n", err)
			reg = deploy.FixedRegistry(deploy.Registry{})
		}
		if err := deploy.Scale(ctx, api, ns, opts.Replicas, reg, t.Env.Timeout, opts.IO.ErrOut); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s scaled %s\n", opts.IO.ColorScheme().Green("✔"), ns)
		for _, line := range scaleHolds(t.Env, opts.Replicas, schedule.Now()) {
			fmt.Fprintln(opts.IO.ErrOut, line)
		}
		return nil
	})
}

// scaleHolds says, for each service scaled that the env's schedule
// names, until when its new count holds: the next entry that names it.
func scaleHolds(env *config.Environment, scaled map[string]uint64, now time.Time) []string {
	sched, err := schedule.Compile(env.Schedule)
	if err != nil || len(sched.Entries) == 0 {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(scaled)) {
		at := now
		line := fmt.Sprintf("%s=%d holds: no schedule entry names %s", name, scaled[name], name)
		// The next entry naming it, among the next few changes.
		for range 100 {
			next, ok := sched.Next(at)
			if !ok {
				break
			}
			if n, named := next.Replicas[name]; named {
				line = fmt.Sprintf("%s=%d holds until the schedule's next entry for it, at %s (%q: %s=%d)", name, scaled[name], when(next.Since), next.Entry.Cron, name, n)
				break
			}
			at = next.Since
		}
		out = append(out, line)
	}
	return out
}
