package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// VerbOptions are the inputs of `gazr <verb>`.
type VerbOptions struct {
	IO      *iostreams.IOStreams
	Project func() (*Project, error)
	Engine  func(context.Context) (container.StepAPI, error)
	// Builder connects to the engine that builds images (gazr build).
	Builder func(context.Context) (deploy.BuildAPI, error)
	// Services connects to the engine that runs the sidecar services.
	Services func(context.Context) (sidecar.API, error)
	// TaskHelper finds the gazr-task helper (Taskfile projects); nil
	// looks for it next to gazr.
	TaskHelper func() (string, error)

	Verb   string
	Args   []string
	DryRun bool
	// Force runs steps whose work is unchanged since their last success.
	Force bool
	// Jobs bounds how many independent steps run at once; 0 means the
	// number of CPUs.
	Jobs int
	// Warm, when not nil, runs the steps in containers kept running
	// between runs (gazr watch), which closes it.
	Warm *container.Warm
}

// verbUsage is the one-line help of each verb.
var verbUsage = map[string]string{
	"init":                     "set the project up for work: .env, doctor, images, caches, services, its init step",
	"style":                    "check code style (linters)",
	"complexity":               "report code complexity",
	"format":                   "format the code in place",
	"test":                     "run all tests (test-unit, test-functional, test-integration)",
	"test-unit":                "run unit tests",
	"test-functional":          "run functional tests",
	"test-integration":         "run integration tests",
	"security":                 "run all security checks (security-sast, security-dependency-scan)",
	"security-sast":            "static security analysis of the code",
	"security-dependency-scan": "scan dependencies for known vulnerabilities",
	"run":                      "run the application",
	"watch":                    "re-run on file changes",
	"build":                    "build the application",
	"backup":                   "back up the data (also run by deploy before upgrade)",
	"upgrade":                  "bring data up to the code's version (migrations; also run by deploy)",
	"stop":                     "stop what the project runs",
	"destroy":                  "remove what the project created",
}

func verbCommands(f *Factory) []*cli.Command {
	cmds := make([]*cli.Command, 0, len(config.Verbs))
	for _, v := range config.Verbs {
		if own, ok := verbCommandsOwn[v]; ok {
			cmds = append(cmds, own(f))
			continue
		}
		cmds = append(cmds, newCmdVerb(f, v))
	}
	return cmds
}

func newCmdVerb(f *Factory, verb string) *cli.Command {
	return verbCommand(f, f.verbOptions(verb))
}

// verbCommand is the command running opts.Verb, with the flags every verb
// takes.
func verbCommand(f *Factory, opts *VerbOptions) *cli.Command {
	verb := opts.Verb
	return &cli.Command{
		Name:      verb,
		Usage:     verbUsage[verb],
		UsageText: fmt.Sprintf("gazr %s [--dry-run] [--force] [-j <n>] [-- <args>...]", verb),
		Category:  "verbs",
		Flags:     verbFlags(),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if err := parseVerbFlags(cmd, f, opts); err != nil {
				return err
			}
			return runVerb(ctx, opts)
		},
	}
}

// verbFlags are the flags of every command that runs a verb's plan.
func verbFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the plan and run nothing"},
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "run steps even when their sources are unchanged"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "run up to `n` independent steps at once (default: the number of CPUs)"},
	}
}

// parseVerbFlags sets opts from verbFlags and the arguments after --; any
// other argument is a usage error.
func parseVerbFlags(cmd *cli.Command, f *Factory, opts *VerbOptions) error {
	if cmd.Args().Len() > 0 {
		return &UsageError{Err: fmt.Errorf("unexpected argument %q: pass arguments to the step after --, e.g. gazr %s -- %s",
			cmd.Args().First(), opts.Verb, strings.Join(cmd.Args().Slice(), " "))}
	}
	opts.Args = f.ExtraArgs
	opts.DryRun = cmd.Bool("dry-run")
	opts.Force = cmd.Bool("force")
	if cmd.IsSet("jobs") {
		if opts.Jobs = int(cmd.Int("jobs")); opts.Jobs < 1 {
			return &UsageError{Err: fmt.Errorf("--jobs %d: want at least 1", opts.Jobs)}
		}
	}
	return nil
}

func runVerb(ctx context.Context, opts *VerbOptions) error {
	p, err := opts.Project()
	if err != nil {
		return err
	}
	pl, err := p.Plan(opts.Verb, opts.planOptions())
	if err != nil {
		return err
	}
	if opts.DryRun {
		if err := validatePlan(ctx, p, pl); err != nil {
			return err
		}
		return printPlan(opts.IO, pl)
	}
	return runPlan(ctx, opts, p, pl)
}
