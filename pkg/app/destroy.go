package app

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// DestroyOptions are the inputs of `gazr destroy`.
type DestroyOptions struct {
	IO       *iostreams.IOStreams
	Project  func() (*Project, error)
	Services func(context.Context) (sidecar.API, error)
	// Verb runs the project's own destroy verb, when it defines one.
	Verb *VerbOptions

	// Yes deletes the volumes without asking.
	Yes bool
}

func newCmdDestroy(f *Factory) *cli.Command {
	opts := &DestroyOptions{IO: f.IO, Project: f.LoadProject, Services: f.sidecarAPI,
		Verb: f.verbOptions("destroy")}
	return &cli.Command{
		Name:      "destroy",
		Usage:     verbUsage["destroy"],
		UsageText: "gazr destroy [--yes]",
		Category:  "verbs",
		Description: "Removes what gazr created on the engine for the project: its service\n" +
			"containers (and any step container a killed gazr left), its network and,\n" +
			"after asking, its volumes, whose data is lost. Without a terminal, volumes\n" +
			"are deleted only with --yes. Shared caches and deployed stacks are left\n" +
			"alone. A [verbs.destroy] of the project runs first.\n\n" +
			"Examples:\n" +
			"  $ gazr destroy\n" +
			"  $ gazr destroy --yes   # volumes too, without asking",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "delete the project's volumes too, without asking"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &UsageError{Err: fmt.Errorf("unexpected argument %q: gazr destroy removes all of the project's services", cmd.Args().First())}
			}
			opts.Yes, opts.Verb.Args = cmd.Bool("yes"), f.ExtraArgs
			return runDestroy(ctx, opts)
		},
	}
}

func runDestroy(ctx context.Context, opts *DestroyOptions) error {
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
	m := newManager(opts.IO, api, p.Config.Name)
	vols, err := m.Volumes(ctx)
	if err != nil {
		return err
	}
	volumes, refused := opts.Yes, false
	if len(vols) > 0 && !opts.Yes {
		if opts.IO.StdinTTY {
			volumes = ask(opts.IO, fmt.Sprintf("Delete the volumes %s too? Their data is lost. [y/N] ", strings.Join(vols, ", ")))
		} else {
			refused = true
		}
	}
	r, err := m.Destroy(ctx, volumes)
	printRemoved(opts.IO, p.Config.Name, r)
	if err != nil {
		return err
	}
	if refused {
		return &UsageError{Err: fmt.Errorf("kept the volumes %s: deleting them needs confirmation and stdin is not a terminal; run gazr destroy --yes to delete them",
			strings.Join(r.KeptVolumes, ", "))}
	}
	return nil
}

// printRemoved says, on stdout, exactly what Destroy removed and kept.
func printRemoved(io *iostreams.IOStreams, project string, r sidecar.Removed) {
	for _, c := range r.Containers {
		fmt.Fprintf(io.Out, "removed container %s\n", c)
	}
	for _, n := range r.Networks {
		fmt.Fprintf(io.Out, "removed network %s\n", n)
	}
	for _, v := range r.Volumes {
		fmt.Fprintf(io.Out, "removed volume %s\n", v)
	}
	for _, v := range r.KeptVolumes {
		fmt.Fprintf(io.Out, "kept volume %s\n", v)
	}
	if len(r.Containers)+len(r.Networks)+len(r.Volumes)+len(r.KeptVolumes) == 0 {
		fmt.Fprintf(io.Out, "nothing to remove: project %s has nothing on the engine\n", project)
	}
}

// ask asks a yes/no question on the terminal; anything but y or yes is no.
func ask(io *iostreams.IOStreams, question string) bool {
	fmt.Fprint(io.ErrOut, question)
	line, _ := bufio.NewReader(io.In).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}
