package app

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// ClusterOptions are the inputs of the `gazr cluster` commands, which act
// on the env's swarm itself (its nodes and their machines) through the
// env's backend, never on the project's services.
type ClusterOptions struct {
	IO     *iostreams.IOStreams
	Target func(env string, initSwarm swarmInit) (*Target, error)
	Env    string
	// JSON: cluster status prints JSON.
	JSON bool
	// Workers is cluster scale's and cluster up's number of workers;
	// Managers cluster up's number of managers.
	Workers, Managers int
	// Yes: cluster scale removes workers without asking.
	Yes bool
}

// clusterCommands are the subcommands of `gazr cluster`, by name.
var clusterCommands = []func(*ClusterOptions) *cli.Command{
	newCmdClusterStatus, newCmdClusterScale, newCmdClusterApply, newCmdClusterPrune, newCmdClusterCheck, newCmdClusterUp,
}

func newCmdCluster(f *Factory) *cli.Command {
	cmd := &cli.Command{
		Name:      "cluster",
		Usage:     "show and change an environment's swarm: its nodes, their number, its schedule; bring it up",
		UsageText: "gazr cluster status|scale|apply|prune|check|up [--env <name>]",
		Category:  "deploy",
		Description: "The commands a backend cannot do (the local backend provisions no machines)\n" +
			"say so and exit 2.\n\n" +
			"Examples:\n" +
			"  $ gazr cluster status --env staging\n" +
			"  $ gazr cluster scale --env staging workers=4\n" +
			"  $ gazr cluster check --env production",
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() == 0 {
				return cli.ShowSubcommandHelp(cmd)
			}
			return unknownClusterCommand(cmd, cmd.Args().First())
		},
	}
	for _, c := range clusterCommands {
		sub := c(&ClusterOptions{IO: f.IO, Target: f.LoadTarget})
		sub.OnUsageError = usageError
		cmd.Commands = append(cmd.Commands, sub)
	}
	return cmd
}

func unknownClusterCommand(cmd *cli.Command, name string) error {
	var names []string
	for _, c := range cmd.Commands {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	hint := ""
	if s := config.Suggest(name, names); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return &UsageError{Err: fmt.Errorf("unknown cluster command %q%s (see gazr cluster --help)", name, hint)}
}

// clusterAction is the Action of a cluster command: it takes --env (and
// no argument unless args), then runs run.
func clusterAction(opts *ClusterOptions, args bool, run func(context.Context, *ClusterOptions, *cli.Command) error) cli.ActionFunc {
	return func(ctx context.Context, cmd *cli.Command) error {
		if !args && cmd.Args().Len() > 0 {
			return &UsageError{Err: fmt.Errorf("unexpected argument %q; the environment is chosen with --env", cmd.Args().First())}
		}
		opts.Env = cmd.String("env")
		return run(ctx, opts, cmd)
	}
}

// clusterTarget loads the env and its backend for the cluster command
// name (never allowed to initialise a swarm), and refuses, as a
// configuration mistake, a backend that cannot do it (can false).
func clusterTarget(opts *ClusterOptions, name string, can func(deploy.Properties) bool) (*Target, error) {
	t, err := opts.Target(opts.Env, noInit)
	if err != nil {
		return nil, err
	}
	if can != nil && !can(t.Backend.Properties()) {
		b := t.Backend.Name()
		return nil, &UsageError{Err: fmt.Errorf("env %s (backend %s): %s is not supported by the %s backend", t.Env.Name, b, name, b)}
	}
	return t, nil
}
