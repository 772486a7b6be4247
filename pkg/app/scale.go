package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
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
		return nil
	})
}
