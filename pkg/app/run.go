package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// RunOptions are the inputs of `gazr run`.
type RunOptions struct {
	// Verb runs the run verb as a step, and carries the dependencies.
	Verb *VerbOptions
	// Names are the compose services to run; none means all of them.
	Names []string
}

func newCmdRun(f *Factory) *cli.Command {
	opts := &RunOptions{Verb: f.verbOptions("run")}
	return &cli.Command{
		Name:      "run",
		Usage:     verbUsage["run"],
		UsageText: "gazr run [--dry-run] [<service>...] [-- <args>...]",
		Category:  "verbs",
		Description: "With a compose file, runs the app: its services (built from their build\n" +
			"sections, ports published as in compose), logs prefixed per service, until\n" +
			"Ctrl-C, which stops and removes them, except the services some verb needs\n" +
			"(they stay up, warm; gazr stop stops them). Without a compose file, or when\n" +
			".gazr.toml defines [verbs.run], runs the run verb as a step.\n\n" +
			"Examples:\n" +
			"  $ gazr run\n" +
			"  $ gazr run web        # web and what it depends on\n" +
			"  $ gazr run -- --port 8080",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print what would run and run nothing"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Names = cmd.Args().Slice()
			opts.Verb.Args, opts.Verb.DryRun = f.ExtraArgs, cmd.Bool("dry-run")
			return runRun(ctx, opts)
		},
	}
}

func runRun(ctx context.Context, opts *RunOptions) error {
	p, err := opts.Verb.Project()
	if err != nil {
		return err
	}
	if p.Config.Verbs["run"] != nil {
		return opts.stepOnly(ctx, "[verbs.run] in "+p.Config.Path)
	}
	proj, err := compose.Load(ctx, composeOptions(compose.Dev, p.Config.Root, p.Config.Name))
	if errors.Is(err, compose.ErrNotFound) {
		return opts.stepOnly(ctx, "no compose file")
	}
	if err != nil {
		return err
	}
	return runApp(ctx, opts, p, proj)
}

// stepOnly runs the run verb as a step; service names make no sense then.
func (opts *RunOptions) stepOnly(ctx context.Context, why string) error {
	if len(opts.Names) > 0 {
		return &UsageError{Err: fmt.Errorf("unexpected argument %q: gazr run runs the run verb here (%s); pass arguments to the step after --", opts.Names[0], why)}
	}
	return runVerb(ctx, opts.Verb)
}

// runApp runs the compose app until Ctrl-C or until one of its services
// stops, then removes what is not warm.
func runApp(ctx context.Context, opts *RunOptions, p *Project, proj *types.Project) error {
	io, cs := opts.Verb.IO, opts.Verb.IO.ColorScheme()
	names := opts.Names
	if len(names) == 0 {
		names = proj.ServiceNames()
	}
	all, err := sidecar.Services(proj, names)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("gazr run: %w", err)}
	}
	// The services' images and build contexts are checked as a verb's
	// are (runner.Validate), for a dry run too, before the engine.
	if err := sidecar.Check(proj, all); err != nil {
		return err
	}
	if opts.Verb.DryRun {
		return printApp(opts, proj, all)
	}
	api, err := opts.Verb.Services(ctx)
	if err != nil {
		return err
	}
	m := newManager(io, api, p.Config.Name)
	warm := warmServices(p, proj)
	since := time.Now()
	if _, err := m.Up(ctx, proj, names); err != nil {
		// Up leaves the services that got healthy: not the app's.
		stopApp(opts, m, all, warm)
		return err
	}
	if ports, err := m.Published(ctx, all); err == nil {
		for _, name := range all {
			for _, b := range ports[name] {
				fmt.Fprintf(io.ErrOut, "%s %s on %s\n", cs.Cyan("→"), name, b)
			}
		}
	}
	fmt.Fprintf(io.ErrOut, "%s running %s; Ctrl-C stops\n", cs.Green("✔"), strings.Join(all, ", "))
	logs, err := m.Follow(ctx, all, since, io.Out)
	var exit *sidecar.Exit
	if err == nil {
		exit = logs.Wait(ctx)
	}
	if exit != nil {
		fmt.Fprintf(io.ErrOut, "%s %s exited with code %d; stopping\n", cs.Yellow("■"), exit.Service, exit.Code)
	}
	// Whatever ended the run (Ctrl-C, an exit, a failure to follow), the
	// app does not outlive it. The logs go on while it stops: the lines
	// written before the Ctrl-C and while stopping are shown.
	removed := stopApp(opts, m, all, warm)
	if logs != nil {
		logs.Close(removed, 2*time.Second)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return err
	case exit == nil:
		return nil
	case exit.Code != 0:
		return &SilentError{Code: exit.Code}
	}
	return nil
}

// stopApp removes the services `gazr run` started that no verb needs, and
// says which it keeps running.
func stopApp(opts *RunOptions, m *sidecar.Manager, all, warm []string) (removed []string) {
	io, cs := opts.Verb.IO, opts.Verb.IO.ColorScheme()
	var remove, keep []string
	for _, n := range all {
		if slices.Contains(warm, n) {
			keep = append(keep, n)
		} else {
			remove = append(remove, n)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	removed, err := m.Remove(ctx, remove)
	if err != nil {
		fmt.Fprintf(io.ErrOut, "gazr: warning: %v\n", err)
	}
	if len(removed) > 0 {
		fmt.Fprintf(io.ErrOut, "%s stopped and removed %s\n", cs.Yellow("■"), strings.Join(removed, ", "))
	}
	if len(keep) > 0 {
		fmt.Fprintf(io.ErrOut, "%s kept running %s: verbs need them (gazr stop stops them)\n", cs.Gray("•"), strings.Join(keep, ", "))
	}
	return removed
}

// printApp prints what `gazr run` would start.
func printApp(opts *RunOptions, proj *types.Project, all []string) error {
	for _, name := range all {
		svc := proj.Services[name]
		img := svc.Image
		if svc.Build != nil && img == "" {
			img = "built as " + sidecar.BuildTag(proj.Name, name)
		} else if svc.Build != nil {
			img = "built as " + img
		}
		var ports []string
		for _, pc := range svc.Ports {
			published := pc.Published
			if published == "" {
				published = "random"
			}
			ports = append(ports, fmt.Sprintf("%s:%d", published, pc.Target))
		}
		line := fmt.Sprintf("service %s\t%s", name, img)
		if len(ports) > 0 {
			line += "\tports " + strings.Join(ports, ", ")
		}
		fmt.Fprintln(opts.Verb.IO.Out, line)
	}
	return nil
}
