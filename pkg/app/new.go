package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/scaffold"
	"github.com/gazr-io/gazr/pkg/shell"
)

// NewOptions are the inputs of `gazr new`.
type NewOptions struct {
	IO *iostreams.IOStreams
	// Catalog gives the templates (scaffold.Builtin outside tests).
	Catalog func() (*scaffold.Catalog, error)
	// Dir is what a relative target is relative to (-C).
	Dir string

	Template string
	Target   string
	Module   string
	List     bool
}

func newCmdNew(f *Factory) *cli.Command {
	opts := &NewOptions{IO: f.IO, Catalog: scaffold.Builtin}
	return &cli.Command{
		Name:  "new",
		Usage: "create a project from a template: an HTTP service with its database, tests, Dockerfile, compose.yaml",
		UsageText: "gazr new [--module <path>] <template> <dir>\n" +
			"gazr new --list",
		Description: "Writes the template into <dir>, which must not exist or be empty; the project is\n" +
			"named after <dir>. Nothing is left behind if anything fails.\n\n" +
			"Examples:\n" +
			"  $ gazr new --list\n" +
			"  $ gazr new go shop && cd shop && gazr test\n" +
			"  $ gazr new --module github.com/acme/api go-http api",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "list", Aliases: []string{"l"}, Usage: "list the templates"},
			&cli.StringFlag{Name: "module", Usage: "Go module `path` (go templates; default example.com/<name>)"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Dir = f.Dir
			opts.List = cmd.Bool("list")
			opts.Module = cmd.String("module")
			args := cmd.Args().Slice()
			switch {
			case opts.List && len(args) > 0:
				return &UsageError{Err: fmt.Errorf("gazr new --list takes no arguments (got %q)", args[0])}
			case !opts.List && len(args) != 2:
				return newArgsError(opts, args)
			case !opts.List:
				opts.Template, opts.Target = args[0], args[1]
			}
			return runNew(ctx, opts)
		},
	}
}

// newArgsError says what is missing from `gazr new`'s arguments.
func newArgsError(opts *NewOptions, args []string) error {
	if len(args) > 2 {
		return &UsageError{Err: fmt.Errorf("gazr new takes a template and a directory, got %d arguments: gazr new <template> <dir>", len(args))}
	}
	names := ""
	if c, err := opts.Catalog(); err == nil {
		names = fmt.Sprintf(" (templates: %s)", strings.Join(c.Names(), ", "))
	}
	if len(args) == 0 {
		return &UsageError{Err: fmt.Errorf("gazr new needs a template and a directory: gazr new <template> <dir>%s", names)}
	}
	return &UsageError{Err: fmt.Errorf("gazr new %s needs a directory to create: gazr new %s <dir>", args[0], args[0])}
}

func runNew(_ context.Context, opts *NewOptions) error {
	catalog, err := opts.Catalog()
	if err != nil {
		return err
	}
	if opts.List {
		return listTemplates(opts.IO, catalog)
	}
	// Checked as typed: once joined to -C's directory, "../x" looks absolute.
	if err := scaffold.CheckName(opts.Target); err != nil {
		return &UsageError{Err: err}
	}
	target := opts.Target
	if !filepath.IsAbs(target) && opts.Dir != "" {
		target = filepath.Join(opts.Dir, target)
	}
	res, err := catalog.New(scaffold.Options{Template: opts.Template, Dir: target, Module: opts.Module, GazrVersion: version()})
	var in *scaffold.InputError
	if errors.As(err, &in) {
		return &UsageError{Err: err}
	}
	if err != nil {
		return err
	}
	cs := opts.IO.ColorScheme()
	fmt.Fprintf(opts.IO.ErrOut, "%s created %s from template %s (%d files, project %q)\n",
		cs.Green("✔"), opts.Target, res.Template.Name, len(res.Files), res.Data.Name)
	fmt.Fprintf(opts.IO.ErrOut, "next: cd %s && gazr init && gazr test\n", shell.Join([]string{opts.Target}))
	return nil
}

func listTemplates(io *iostreams.IOStreams, c *scaffold.Catalog) error {
	w := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TEMPLATE\tDESCRIPTION")
	for _, t := range c.Templates {
		fmt.Fprintf(w, "%s\t%s\n", t.Name, t.Describe())
	}
	return w.Flush()
}
