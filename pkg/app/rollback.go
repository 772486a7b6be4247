package app

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// RollbackOptions are the inputs of `gazr rollback`.
type RollbackOptions struct {
	IO     *iostreams.IOStreams
	Target func(env string, initSwarm swarmInit) (*Target, error)
	// Rollback is deploy.Rollback, replaced in tests.
	Rollback func(context.Context, deploy.RollbackOptions) (*deploy.Result, error)

	Env, To       string
	Yes, WaitLock bool
}

func newCmdRollback(f *Factory) *cli.Command {
	opts := &RollbackOptions{IO: f.IO, Target: f.LoadTarget, Rollback: deploy.Rollback}
	return &cli.Command{
		Name:      "rollback",
		Usage:     "go back to the previous (or a given) version of an environment",
		UsageText: "gazr rollback [--env <name>] [--to <version>] [--yes]",
		Category:  "deploy",
		Description: "Examples:\n" +
			"  $ gazr rollback --env staging\n" +
			"  $ gazr rollback --env staging --to 3f2a1c9e0b12",
		Flags: []cli.Flag{
			envFlag(),
			&cli.StringFlag{Name: "to", Usage: "the `version` to go back to (see gazr history)"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation"},
			&cli.BoolFlag{Name: "wait", Usage: "queue behind a deploy that holds the env's lock"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Env, opts.To, opts.Yes, opts.WaitLock = cmd.String("env"), cmd.String("to"), cmd.Bool("yes"), cmd.Bool("wait")
			return runRollback(ctx, opts)
		},
	}
}

func runRollback(ctx context.Context, opts *RollbackOptions) error {
	t, err := opts.Target(opts.Env, noInit)
	if err != nil {
		return err
	}
	if err := confirm(opts.IO, t, opts.Yes); err != nil {
		return err
	}
	start := time.Now()
	res, err := opts.Rollback(ctx, deploy.RollbackOptions{Project: t.Project.Config.Name, Env: t.Env, Backend: t.Backend,
		To: opts.To, WaitLock: opts.WaitLock, Out: opts.IO.ErrOut})
	if err != nil {
		return managerError(t.Env, err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s rolled %s back to %s in %s (was %s)\n", opts.IO.ColorScheme().Green("✔"), res.Namespace, res.Version,
		time.Since(start).Round(time.Millisecond), orNone(res.Previous))
	return nil
}
