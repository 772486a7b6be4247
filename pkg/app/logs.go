package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// LogsOptions are the inputs of `gazr logs`.
type LogsOptions struct {
	IO      *iostreams.IOStreams
	Target  func(env string, initSwarm swarmInit) (*Target, error)
	Env     string
	Service string
	Follow  bool
	Tail    string
}

func newCmdLogs(f *Factory) *cli.Command {
	opts := &LogsOptions{IO: f.IO, Target: f.LoadTarget}
	return &cli.Command{
		Name:      "logs",
		Usage:     "show the logs of an environment's services",
		UsageText: "gazr logs [--env <name>] [service] [-f] [--tail <n>]",
		Category:  "deploy",
		Flags: []cli.Flag{
			envFlag(),
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep streaming new lines"},
			&cli.StringFlag{Name: "tail", Value: "all", Usage: "start with the last `n` lines of each service"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 1 {
				return &UsageError{Err: fmt.Errorf("logs takes at most one service, got %d", cmd.Args().Len())}
			}
			opts.Env, opts.Service, opts.Follow, opts.Tail = cmd.String("env"), cmd.Args().First(), cmd.Bool("follow"), cmd.String("tail")
			return runLogs(ctx, opts)
		},
	}
}

func runLogs(ctx context.Context, opts *LogsOptions) error {
	return onEnv(ctx, opts.Target, opts.Env, func(t *Target, api deploy.SwarmAPI, ns string) error {
		err := deploy.Logs(ctx, api, deploy.LogsOptions{Namespace: ns,
			Service: opts.Service, Follow: opts.Follow, Tail: opts.Tail}, opts.IO.Out)
		if opts.Follow && errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	})
}
