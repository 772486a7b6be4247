package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// StopOptions are the inputs of `gazr stop`.
type StopOptions struct {
	IO       *iostreams.IOStreams
	Project  func() (*Project, error)
	Services func(context.Context) (sidecar.API, error)
	// Verb runs the project's own stop verb, when it defines one.
	Verb *VerbOptions
}

func newCmdStop(f *Factory) *cli.Command {
	opts := &StopOptions{IO: f.IO, Project: f.LoadProject, Services: f.sidecarAPI,
		Verb: f.verbOptions("stop")}
	return &cli.Command{
		Name:      "stop",
		Usage:     verbUsage["stop"],
		UsageText: "gazr stop",
		Category:  "verbs",
		Description: "Stops the project's sidecar services (they stay up between runs otherwise);\n" +
			"their containers, network and volumes are kept, and the next verb that\n" +
			"needs them starts them again. The warm containers of verbs with warm set\n" +
			"are removed. A [verbs.stop] of the project runs first.\n\n" +
			"Examples:\n" +
			"  $ gazr stop",
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &UsageError{Err: fmt.Errorf("unexpected argument %q: gazr stop stops all of the project's services", cmd.Args().First())}
			}
			opts.Verb.Args = f.ExtraArgs
			return runStop(ctx, opts)
		},
	}
}

func runStop(ctx context.Context, opts *StopOptions) error {
	p, err := opts.Project()
	if err != nil {
		return err
	}
	if err := runOwnVerb(ctx, opts.Verb, p); err != nil {
		return err
	}
	api, err := opts.Services(ctx)
	if err != nil {
		return err
	}
	stopped, err := newManager(opts.IO, api, p.Config.Name).Stop(ctx)
	// The warm containers of verbs with warm = "…" go too: they would
	// otherwise stay until their idle time is up.
	warm, werr := container.RemoveKept(ctx, api, p.Config.Name)
	if len(stopped) > 0 {
		fmt.Fprintf(opts.IO.Out, "stopped %s\n", strings.Join(stopped, ", "))
	}
	for _, verb := range warm {
		fmt.Fprintf(opts.IO.Out, "removed the warm container of %s\n", verb)
	}
	if len(stopped)+len(warm) == 0 && err == nil && werr == nil {
		fmt.Fprintf(opts.IO.Out, "nothing to stop: no service or warm container of project %s is running\n", p.Config.Name)
	}
	return errors.Join(err, werr)
}
