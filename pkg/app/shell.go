package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/runner"
)

// defaultShellVerb is the verb whose container `gazr shell` opens when
// none is named: the one a developer most often needs to poke at, with
// the toolchain and, usually, the services.
const defaultShellVerb = "test"

// ShellOptions are the inputs of `gazr shell`.
type ShellOptions struct {
	// Verb carries the dependencies; Verb.Verb is the verb whose
	// container the shell runs in.
	Verb *VerbOptions
	// Defaulted: no verb was named (defaultShellVerb).
	Defaulted bool
	// Shell is the program to run instead of bash or sh.
	Shell string
}

func newCmdShell(f *Factory) *cli.Command {
	opts := &ShellOptions{Verb: f.verbOptions(defaultShellVerb)}
	return &cli.Command{
		Name:      "shell",
		Usage:     "open a shell in a verb's container (default: test), with its mounts, user, env, caches and services",
		UsageText: "gazr shell [<verb>] [--shell <program>] [--dry-run] [-- <command> [<args>...]]",
		Description: "Runs bash (sh when the image has no bash) in a new container of the verb's\n" +
			"step: same image, project mount, user, workdir, env and caches, on the network\n" +
			"of the verb's services, started first (they stay up, as after the verb). With a\n" +
			"terminal, the shell gets one; otherwise it reads gazr's stdin. Its exit code is\n" +
			"gazr's. A group (test, security) opens its first member's container.\n\n" +
			"Examples:\n" +
			"  $ gazr shell\n" +
			"  $ gazr shell test-integration\n" +
			"  $ gazr shell build -- go env GOPATH\n" +
			"  $ gazr shell --shell zsh\n" +
			"  $ echo 'id -u; pwd' | gazr shell",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "shell", Usage: "run `program` instead of bash or sh; arguments after -- go to it"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the shell's step and run nothing"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			switch cmd.Args().Len() {
			case 0:
				opts.Defaulted = true
			case 1:
				opts.Verb.Verb = cmd.Args().First()
			default:
				return &UsageError{Err: fmt.Errorf("unexpected argument %q: gazr shell takes one verb; pass a command after --, e.g. gazr shell %s -- %s",
					cmd.Args().Get(1), cmd.Args().First(), cmd.Args().Get(1))}
			}
			opts.Shell, opts.Verb.Args, opts.Verb.DryRun = cmd.String("shell"), f.ExtraArgs, cmd.Bool("dry-run")
			return runShell(ctx, opts)
		},
	}
}

func runShell(ctx context.Context, opts *ShellOptions) error {
	vo := opts.Verb
	p, err := vo.Project()
	if err != nil {
		return err
	}
	if err := knownVerb(p, vo.Verb); err != nil {
		return err
	}
	// The verb's own args (after --) are the shell's command: the plan
	// is resolved without them.
	po := vo.planOptions()
	po.Args = nil
	pl, err := p.Plan(vo.Verb, po)
	var undef *plan.NotDefinedError
	if errors.As(err, &undef) && opts.Defaulted {
		return &UsageError{Err: fmt.Errorf("gazr shell opens the %s verb's container when no verb is named, and %v; name one: gazr shell <verb> (gazr list shows them)", defaultShellVerb, err)}
	}
	if err != nil {
		return err
	}
	args := vo.Args
	if opts.Shell != "" {
		args = append([]string{opts.Shell}, args...)
	}
	s, err := runner.ShellStep(pl, vo.Verb, args)
	if err != nil {
		return err
	}
	pl.Steps = []*plan.Step{s}
	if vo.DryRun {
		return printPlan(vo.IO, pl)
	}
	return runner.Shell(ctx, vo.runner(), p, pl, s)
}
