package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/moby/moby/client"
	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/agent"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// newCmdAgent is `gazr agent`: the agent's logs for users, and `run`,
// what the agent's container runs (hidden: a deploy starts it).
func newCmdAgent(f *Factory) *cli.Command {
	opts := &LogsOptions{IO: f.IO, Target: f.LoadTarget}
	logs := &cli.Command{
		Name:      "logs",
		Usage:     "show the logs of the env's agent (same as gazr logs gazr-agent)",
		UsageText: "gazr agent logs [--env <name>] [-f] [--tail <n>]",
		Flags: []cli.Flag{
			envFlag(),
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep streaming new lines"},
			&cli.StringFlag{Name: "tail", Value: "all", Usage: "start with the last `n` lines"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &UsageError{Err: fmt.Errorf("agent logs takes no argument, got %q", cmd.Args().First())}
			}
			opts.Env, opts.Service, opts.Follow, opts.Tail = cmd.String("env"), deploy.AgentName, cmd.Bool("follow"), cmd.String("tail")
			return runLogs(ctx, opts)
		},
	}
	return &cli.Command{
		Name:     "agent",
		Usage:    "gazr in the cluster: the agent that applies an environment's schedule and runs its experiments",
		Category: "deploy",
		Description: "A deploy installs the agent (<project>-<env>_gazr-agent, on a manager) when the env has\n" +
			"[[env.<name>.schedule]] entries or runs experiments on its own ([env.<name>.chaos] every),\n" +
			"and removes it otherwise. It applies each schedule entry once when it comes into force;\n" +
			"gazr history shows what it did (docs/chaos.md).",
		Commands: []*cli.Command{logs, {
			Name:   "run",
			Usage:  "run the agent (what its container runs)",
			Hidden: true,
			Flags:  []cli.Flag{&cli.StringFlag{Name: "config", Value: deploy.AgentConfigPath, Usage: "the agent's configuration `file`"}},
			Action: func(ctx context.Context, cmd *cli.Command) error {
				if cmd.Args().Len() > 0 {
					return &UsageError{Err: fmt.Errorf("agent run takes no argument, got %q", cmd.Args().First())}
				}
				return runAgent(ctx, f, cmd.String("config"))
			},
		}},
	}
}

func runAgent(ctx context.Context, f *Factory, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var cfg deploy.AgentConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cli, err := client.New(client.FromEnv, client.WithUserAgent("gazr-agent"))
	if err != nil {
		return err
	}
	defer cli.Close()
	return agent.Run(ctx, agent.Options{API: cli, Config: cfg, Out: f.IO.Out})
}
