package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

// VerbOptions are the inputs of `gazr <verb>`.
type VerbOptions struct {
	IO      *iostreams.IOStreams
	Project func() (*Project, error)
	Engine  func(context.Context) (container.StepAPI, error)
	// Builder connects to the engine that builds images (gazr build).
	Builder func(context.Context) (deploy.BuildAPI, error)
	// TaskHelper finds the gazr-task helper (Taskfile projects); nil
	// looks for it next to gazr.
	TaskHelper func() (string, error)

	Verb   string
	Args   []string
	DryRun bool
}

// verbUsage is the one-line help of each verb.
var verbUsage = map[string]string{
	"init":                     "prepare the project for work (dependencies, tools)",
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

// notReady names verbs whose full behaviour is not built yet, with why.
var notReady = map[string]string{
	"stop":    "stopping the project's services",
	"destroy": "removing the project's services and volumes",
}

func verbCommands(f *Factory) []*cli.Command {
	cmds := make([]*cli.Command, 0, len(config.Verbs))
	for _, v := range config.Verbs {
		if v == "watch" {
			cmds = append(cmds, newCmdWatch(f))
			continue
		}
		cmds = append(cmds, newCmdVerb(f, v))
	}
	return cmds
}

func newCmdVerb(f *Factory, verb string) *cli.Command {
	opts := &VerbOptions{IO: f.IO, Project: f.LoadProject, Engine: f.Engine, Builder: f.builder, TaskHelper: f.TaskHelper, Verb: verb}
	return &cli.Command{
		Name:      verb,
		Usage:     verbUsage[verb],
		UsageText: fmt.Sprintf("gazr %s [--dry-run] [-- <args>...]", verb),
		Category:  "verbs",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the plan and run nothing"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &UsageError{Err: fmt.Errorf("unexpected argument %q: pass arguments to the step after --, e.g. gazr %s -- %s",
					cmd.Args().First(), verb, strings.Join(cmd.Args().Slice(), " "))}
			}
			opts.Args = f.ExtraArgs
			opts.DryRun = cmd.Bool("dry-run")
			return runVerb(ctx, opts)
		},
	}
}

func runVerb(ctx context.Context, opts *VerbOptions) error {
	if what, ok := notReady[opts.Verb]; ok {
		return fmt.Errorf("gazr %s (%s) is not ready yet: it comes with sidecar services", opts.Verb, what)
	}
	p, err := opts.Project()
	if err != nil {
		return err
	}
	if opts.Verb == "build" {
		return runBuild(ctx, opts, p)
	}
	pl, err := resolvePlan(p, opts.Verb, opts.Args, opts.TaskHelper, !opts.DryRun)
	if err != nil {
		return err
	}
	if opts.DryRun {
		return printPlan(opts.IO, pl)
	}
	return runPlan(ctx, opts, pl)
}

// runPlan runs a resolved plan's steps on the engine.
func runPlan(ctx context.Context, opts *VerbOptions, pl *plan.Plan) error {
	api, err := opts.Engine(ctx)
	if err != nil {
		return err
	}
	if err := startServices(ctx, opts, pl); err != nil {
		return err
	}
	r := &container.Runner{API: api, Project: pl.Project, Stdout: opts.IO.Out, Stderr: opts.IO.ErrOut,
		TTY: opts.IO.StdinTTY && opts.IO.StdoutTTY}
	return runSteps(ctx, opts.IO, r, pl)
}

// runSteps runs the plan's steps in order, framing each with a header and
// a closing line, and stops at the first failure.
func runSteps(ctx context.Context, io *iostreams.IOStreams, r *container.Runner, pl *plan.Plan) error {
	cs := io.ColorScheme()
	start := time.Now()
	for _, s := range pl.Steps {
		fmt.Fprintf(io.ErrOut, "%s %s %s\n", cs.Cyan("▶"), cs.Bold(s.Verb), cs.Gray(summary(s)))
		t := time.Now()
		err := r.Run(ctx, s)
		took := time.Since(t).Round(time.Millisecond)
		var exit *container.ExitError
		switch {
		case err == nil:
			fmt.Fprintf(io.ErrOut, "%s %s passed in %s\n", cs.Green("✔"), s.Verb, took)
		case errors.As(err, &exit):
			fmt.Fprintf(io.ErrOut, "%s %s failed with exit code %d in %s\n", cs.Red("✘"), s.Verb, exit.Code, took)
			return &SilentError{Code: exit.Code}
		case errors.Is(err, context.Canceled):
			fmt.Fprintf(io.ErrOut, "%s %s interrupted after %s; its container was removed\n", cs.Yellow("■"), s.Verb, took)
			return err
		default:
			return err
		}
	}
	if len(pl.Steps) > 1 {
		fmt.Fprintf(io.ErrOut, "%s %s: %d steps passed in %s\n", cs.Green("✔"), pl.Verb, len(pl.Steps), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// summary is the one-line description of a step in its header.
func summary(s *plan.Step) string {
	cmd := oneLine(strings.Join(s.Commands, " && "))
	if len(s.Args) > 0 {
		cmd += " " + shellJoin(s.Args)
	}
	return fmt.Sprintf("%s · %s", truncate(cmd, 72), s.Image.Value)
}
