package app

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

// DeployOptions are the inputs of `gazr deploy`.
type DeployOptions struct {
	IO     *iostreams.IOStreams
	Target func(env string, initSwarm swarmInit) (*Target, error)
	Deploy func(context.Context, deploy.Options) (*deploy.Result, error)
	// Builder connects to the engine that builds the images.
	Builder func(context.Context) (deploy.BuildAPI, error)

	Env                string
	DryRun, Yes, Prune bool
	WaitLock           bool
}

func envFlag() cli.Flag {
	return &cli.StringFlag{Name: "env", Aliases: []string{"e"}, Value: "local", Usage: "the environment (`name`), from [env.<name>] in .gazr.toml"}
}

func newCmdDeploy(f *Factory) *cli.Command {
	opts := &DeployOptions{IO: f.IO, Target: f.LoadTarget, Deploy: deploy.Deploy, Builder: f.builder}
	return &cli.Command{
		Name:      "deploy",
		Usage:     "build, push and roll the project out to an environment's swarm",
		UsageText: "gazr deploy [--env <name>] [--dry-run] [--yes] [--prune] [--wait]",
		Category:  "deploy",
		Description: "Examples:\n" +
			"  $ gazr deploy                     # the local engine's swarm\n" +
			"  $ gazr deploy --env staging --dry-run\n" +
			"  $ gazr deploy --env production --yes",
		Flags: []cli.Flag{
			envFlag(),
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print what would change and change nothing"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation"},
			&cli.BoolFlag{Name: "prune", Usage: "remove services that are no longer in the compose file"},
			&cli.BoolFlag{Name: "wait", Usage: "queue behind a deploy that holds the env's lock"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &UsageError{Err: fmt.Errorf("unexpected argument %q; the environment is chosen with --env", cmd.Args().First())}
			}
			opts.Env, opts.DryRun, opts.Yes = cmd.String("env"), cmd.Bool("dry-run"), cmd.Bool("yes")
			opts.Prune, opts.WaitLock = cmd.Bool("prune"), cmd.Bool("wait")
			return runDeploy(ctx, opts)
		},
	}
}

func runDeploy(ctx context.Context, opts *DeployOptions) error {
	initSwarm := mayInit // a deploy, and only a deploy, makes the local engine a swarm
	if opts.DryRun {
		initSwarm = noInit
	}
	t, err := opts.Target(opts.Env, initSwarm)
	if err != nil {
		return err
	}
	if !opts.DryRun {
		if err := confirm(opts.IO, t, opts.Yes); err != nil {
			return err
		}
	}
	do := deploy.Options{Config: t.Project.Config, Env: t.Env, Backend: t.Backend, Builder: opts.Builder,
		Out: opts.IO.ErrOut, DryRun: opts.DryRun, Prune: opts.Prune, WaitLock: opts.WaitLock}
	if do.Backup, err = hook(t.Project, "backup"); err != nil {
		return err
	}
	if do.Upgrade, err = hook(t.Project, "upgrade"); err != nil {
		return err
	}
	do.Environ = hostVars()
	start := time.Now()
	res, err := opts.Deploy(ctx, do)
	cs := opts.IO.ColorScheme()
	if opts.DryRun && err == nil {
		fmt.Fprintf(opts.IO.Out, "deploy %s %s (running: %s) — dry run, nothing changed\n", res.Namespace, res.Version, orNone(res.Previous))
		for _, c := range res.Changes {
			fmt.Fprintln(opts.IO.Out, c)
		}
		return nil
	}
	if err != nil {
		if res != nil && res.Record != nil && res.Record.Result == deploy.ResultRolledBack {
			fmt.Fprintf(opts.IO.ErrOut, "%s %s: %s was rolled back; %s still serves\n", cs.Red("✘"), res.Namespace, res.Version, orNone(res.Previous))
		}
		return managerError(t.Env, err)
	}
	if res.Unchanged {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s unchanged: %s already runs\n", cs.Green("✔"), res.Namespace, res.Version)
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s deployed %s %s in %s (previous: %s)\n", cs.Green("✔"), res.Namespace, res.Version,
		time.Since(start).Round(time.Millisecond), orNone(res.Previous))
	return nil
}

// hook returns the deploy-time job of verb, when the project defines it.
func hook(p *Project, verb string) (*deploy.Hook, error) {
	v := p.Config.Verbs[verb]
	if v == nil || len(v.Run) == 0 {
		return nil, nil
	}
	step := &plan.Step{Commands: v.Run}
	return &deploy.Hook{Verb: verb, Script: step.Script(), Service: v.Service}, nil
}

// confirm asks before deploying to an env that wants confirmation.
func confirm(io *iostreams.IOStreams, t *Target, yes bool) error {
	if yes || !t.Env.Confirm {
		return nil
	}
	if !io.StdinTTY {
		return &UsageError{Err: fmt.Errorf("env %s asks for confirmation: pass --yes to deploy without a terminal", t.Env.Name)}
	}
	fmt.Fprintf(io.ErrOut, "Deploy %s to %s? [y/N] ", t.Project.Config.Name, t.Env.Name)
	line, _ := bufio.NewReader(io.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return fmt.Errorf("deploy to %s cancelled", t.Env.Name)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
