// Package app wires gazr's command line: the root command, one command per
// verb, and the single place where errors become exit codes.
package app

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/fingerprint"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// Version is gazr's version, set at build time with
// -ldflags "-X github.com/gazr-io/gazr/pkg/app.Version=v1.2.3".
var Version = "dev"

// Main runs gazr with args (os.Args) and returns the process exit code.
// SIGINT and SIGTERM cancel the context given to commands, which stop and
// remove their containers before Main returns 130 or 143.
func Main(ctx context.Context, args []string) int {
	ctx, sig := withSignals(ctx)
	if dir, err := fingerprint.CacheDir(); err == nil {
		convention.RememberEvidenceIn(dir) // not in tests: they call Run
	}
	io := iostreams.System()
	err := Run(ctx, io, args)
	return exitCode(io, err, sig())
}

// Run runs gazr with args on the given streams and returns its error.
func Run(ctx context.Context, io *iostreams.IOStreams, args []string) error {
	args, extra := splitExtraArgs(args)
	f := newFactory(io, extra)
	root := newRootCmd(f)
	if help, dir := wantsRootHelp(args); help {
		if dir != "" {
			f.Dir = dir
		}
		describeRoot(f, root)
	}
	return root.Run(ctx, args)
}

// verbCommandsOwn are the verbs with a command of their own instead of
// newCmdVerb's: run, stop and destroy act on the project's sidecar
// services; build builds the compose images after the verb; init sets the
// whole project up, then runs the verb; watch re-runs a verb on file
// changes.
var verbCommandsOwn = map[string]func(*Factory) *cli.Command{
	"build": newCmdBuild, "run": newCmdRun, "stop": newCmdStop, "destroy": newCmdDestroy, "init": newCmdInit, "watch": newCmdWatch,
}

func newRootCmd(f *Factory) *cli.Command {
	root := &cli.Command{
		Name:    "gazr",
		Usage:   "one front door to every repository: its verbs, run in containers",
		Version: version(),
		UsageText: "gazr [-C <dir>] <verb> [--dry-run] [-- <args>...]\n" +
			"gazr list | explain <verb> | shell [<verb>] | doctor | init [--write-config]\n" +
			"gazr new <template> <dir>",
		Description: "gazr finds .gazr.toml (walking up from the current directory) or detects the\n" +
			"project's convention, and runs each verb as a step in a container.\n\n" +
			"Examples:\n" +
			"  $ gazr test\n" +
			"  $ gazr test-unit -- -run TestParse\n" +
			"  $ gazr -C services/api build --dry-run\n" +
			"  $ gazr explain test",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "directory", Aliases: []string{"C"}, Usage: "run as if gazr was started in `dir`"},
			&cli.BoolFlag{Name: "no-color", Usage: "disable colour (also: NO_COLOR=1)"},
		},
		Before: func(ctx context.Context, cmd *cli.Command) (context.Context, error) {
			if cmd.Bool("no-color") {
				f.IO.Color = false
			}
			if dir := cmd.String("directory"); dir != "" {
				f.Dir = dir
			}
			return ctx, nil
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() == 0 {
				return cli.ShowRootCommandHelp(cmd)
			}
			return runProjectVerb(ctx, f, cmd)
		},
		Writer:                f.IO.Out,
		ErrWriter:             f.IO.ErrOut,
		HideHelpCommand:       true,
		Suggest:               true,
		ExitErrHandler:        func(context.Context, *cli.Command, error) {},
		OnUsageError:          usageError,
		EnableShellCompletion: false,
		// Flags after the first argument belong to it: a subcommand
		// parses its own, and a project verb's (`gazr lint --dry-run`)
		// reach runProjectVerb.
		StopOnNthArg: new(int(1)),
	}
	root.Commands = append(root.Commands, verbCommands(f)...)
	root.Commands = append(root.Commands, newCmdList(f), newCmdExplain(f), newCmdShell(f), newCmdDoctor(f), newCmdNew(f), newCmdHelp(f),
		newCmdCompletion(f), newCmdComplete(f))
	root.Commands = append(root.Commands, newCmdDeploy(f), newCmdStatus(f), newCmdRollback(f),
		newCmdHistory(f), newCmdLogs(f), newCmdScale(f), newCmdUnlock(f), newCmdCluster(f), newCmdChaos(f), newCmdAgent(f))
	for _, c := range root.Commands {
		c.OnUsageError = usageError
		if !c.Hidden { // __complete is for scripts: never suggested
			f.commands = append(append(f.commands, c.Name), c.Aliases...)
		}
	}
	cli.VersionPrinter = func(cmd *cli.Command) {
		fmt.Fprintf(cmd.Root().Writer, "gazr version %s\n", cmd.Root().Version)
	}
	return root
}

// unknownCommand is the error for a name that is neither one of gazr's
// commands nor one of the project's verbs (extra), with a suggestion among
// them.
func (f *Factory) unknownCommand(name string, extra []string) error {
	// gazr's other commands before its verbs: of two names as close, the
	// command is suggested ("lsit": list, not init).
	known := slices.Clone(extra)
	for _, verbs := range []bool{false, true} {
		for _, c := range f.commands {
			if config.IsVerb(c) == verbs {
				known = append(known, c)
			}
		}
	}
	hint := ""
	if s := config.Suggest(name, known); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return &UsageError{Err: fmt.Errorf("unknown verb or command %q%s (see gazr --help)", name, hint)}
}

func usageError(_ context.Context, _ *cli.Command, err error, _ bool) error {
	return &UsageError{Err: err}
}

// splitExtraArgs separates the arguments after the first "--", which go
// to the step unchanged, from gazr's own.
func splitExtraArgs(args []string) ([]string, []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], append([]string{}, args[i+1:]...)
		}
	}
	return args, nil
}

// withSignals returns a context cancelled by SIGINT or SIGTERM, and a
// function reporting which signal arrived, if any.
func withSignals(parent context.Context) (context.Context, func() os.Signal) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got os.Signal
	done := make(chan struct{})
	go func() {
		select {
		case got = <-ch:
			cancel()
		case <-ctx.Done():
		}
		close(done)
	}()
	return ctx, func() os.Signal {
		if ctx.Err() != nil {
			<-done
		}
		return got
	}
}
