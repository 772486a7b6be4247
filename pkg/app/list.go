package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
)

// ListOptions are the inputs of `gazr list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Project func() (*Project, error)
	// Commands are gazr's own command names, which hide project verbs of
	// the same name.
	Commands []string
}

func newCmdList(f *Factory) *cli.Command {
	opts := &ListOptions{IO: f.IO, Project: f.LoadProject}
	return &cli.Command{
		Name:      "list",
		Aliases:   []string{"ls"},
		Usage:     "list the verbs available here: what each runs, in which image, defined where",
		UsageText: "gazr list",
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Commands = f.commands
			return runList(ctx, opts)
		},
	}
}

func runList(_ context.Context, opts *ListOptions) error {
	p, err := opts.Project()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	verbs := append(slices.Clone(config.Verbs), projectVerbs(p, opts.Commands)...)
	row := listRow(w, anyDescription(p, verbs))
	row("VERB", "DESCRIPTION", "RUNS", "IMAGE", "FROM")
	n := 0
	for _, verb := range verbs {
		pl, err := p.Plan(verb, project.PlanOptions{})
		if err != nil {
			if nd, ok := err.(*plan.NotDefinedError); ok {
				if p.Convention != nil {
					fmt.Fprintf(w, "%s\t-\t-\tnot defined: %s\n", verb, notDefinedReason(nd))
				}
				continue
			}
			return err
		}
		n++
		desc := iostreams.Truncate(iostreams.OneLine(verbDescription(p, verb)), 50)
		s := pl.Steps[len(pl.Steps)-1]
		if s.Verb != verb {
			members := make([]string, len(pl.Steps))
			for i, s := range pl.Steps {
				members[i] = s.Verb
			}
			row(verb, desc, strings.Join(members, ", "), "-", "group")
			continue
		}
		runs := iostreams.Truncate(iostreams.OneLine(strings.Join(shownCommands(p, s), " && ")), 60)
		if len(s.Deps) > 0 {
			deps := make([]string, len(s.Deps))
			for i, d := range s.Deps {
				deps[i] = d.Value
			}
			runs += " (after " + strings.Join(deps, ", ") + ")"
		}
		row(verb, desc, runs, s.Image.Value, s.CommandsOrigin)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no verb is defined here: no convention detected and no %s; see gazr --help\n", config.FileName)
	}
	return nil
}

// notDefinedReason is the why of a verb the convention leaves undefined.
func notDefinedReason(e *plan.NotDefinedError) string {
	if members, group := config.Groups[e.Verb]; group && e.Reason == "" {
		return "none of " + strings.Join(members, ", ") + " is defined"
	}
	return e.Reason
}
