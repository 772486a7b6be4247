package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// UnlockOptions are the inputs of `gazr unlock`.
type UnlockOptions struct {
	IO     *iostreams.IOStreams
	Target func(env string, initSwarm swarmInit) (*Target, error)
	Env    string
}

func newCmdUnlock(f *Factory) *cli.Command {
	opts := &UnlockOptions{IO: f.IO, Target: f.LoadTarget}
	return &cli.Command{
		Name:      "unlock",
		Usage:     "remove an environment's deploy lock left by a deploy that died",
		UsageText: "gazr unlock [--env <name>]",
		Category:  "deploy",
		Flags:     []cli.Flag{envFlag()},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Env = cmd.String("env")
			return runUnlock(ctx, opts)
		},
	}
}

func runUnlock(ctx context.Context, opts *UnlockOptions) error {
	return onEnv(ctx, opts.Target, opts.Env, func(t *Target, api deploy.SwarmAPI, ns string) error {
		owner, err := deploy.BreakLock(ctx, api, ns)
		if errors.Is(err, deploy.ErrNotFound) {
			fmt.Fprintf(opts.IO.ErrOut, "%s is not locked\n", ns)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "removed the lock of %s held by %s since %s (%s)\n", ns, owner.Holder, owner.Since.Local().Format("15:04:05"), owner.Action)
		return nil
	})
}
