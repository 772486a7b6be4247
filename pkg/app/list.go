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
	// JSON prints a plan.VerbList instead of a table.
	JSON bool
}

func newCmdList(f *Factory) *cli.Command {
	opts := &ListOptions{IO: f.IO, Project: f.LoadProject}
	return &cli.Command{
		Name:      "list",
		Aliases:   []string{"ls"},
		Usage:     "list the verbs available here: what each runs, in which image, defined where",
		UsageText: "gazr list [--json]",
		Flags:     []cli.Flag{jsonFlag()},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts.Commands, opts.JSON = f.commands, cmd.Bool("json")
			return runList(ctx, opts)
		},
	}
}

func runList(_ context.Context, opts *ListOptions) error {
	p, err := opts.Project()
	if err != nil {
		return err
	}
	list, err := verbList(p, opts.Commands)
	if err != nil {
		return err
	}
	if opts.JSON {
		list.FormatVersion = JSONFormatVersion
		return printJSON(opts.IO.Out, list)
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	row := listRow(w, slices.ContainsFunc(list.Verbs, func(v plan.VerbInfo) bool { return v.Description != "" }))
	row("VERB", "DESCRIPTION", "RUNS", "IMAGE", "FROM")
	n := 0
	for _, v := range list.Verbs {
		desc := iostreams.Truncate(iostreams.OneLine(v.Description), 50)
		switch v.Kind {
		case plan.KindUndefined:
			fmt.Fprintf(w, "%s\t-\t-\tnot defined: %s\n", v.Verb, v.Reason)
			continue
		case plan.KindGroup:
			row(v.Verb, desc, strings.Join(v.Members, ", "), "-", v.From)
		default:
			runs := iostreams.Truncate(iostreams.OneLine(strings.Join(v.Commands, " && ")), 60)
			if len(v.After) > 0 {
				runs += " (after " + strings.Join(v.After, ", ") + ")"
			}
			row(v.Verb, desc, runs, v.Image, v.From)
		}
		n++
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no verb is defined here: no convention detected and no %s; see gazr --help\n", config.FileName)
	}
	return nil
}

// verbList is what `gazr list` shows: gazr's verbs and the project's own,
// each resolved; the verbs a convention leaves undefined are listed as
// such only when a convention applies.
func verbList(p *Project, commands []string) (plan.VerbList, error) {
	list := plan.VerbList{Project: p.Config.Name, Root: p.Config.Root,
		Convention: plan.NewConventionInfo(p.Convention), Verbs: []plan.VerbInfo{}}
	for _, verb := range append(slices.Clone(config.Verbs), projectVerbs(p, commands)...) {
		pl, err := p.Plan(verb, project.PlanOptions{})
		if err != nil {
			if nd, ok := err.(*plan.NotDefinedError); ok {
				if p.Convention != nil {
					list.Verbs = append(list.Verbs, plan.VerbInfo{Verb: verb, Kind: plan.KindUndefined,
						Description: verbDescription(p, verb), Commands: []string{}, Reason: notDefinedReason(nd)})
				}
				continue
			}
			return list, err
		}
		v := plan.VerbInfo{Verb: verb, Kind: plan.KindStep, Description: verbDescription(p, verb), Commands: []string{}}
		s := pl.Steps[len(pl.Steps)-1]
		if s.Verb != verb {
			v.Kind, v.From = plan.KindGroup, "group"
			for _, s := range pl.Steps {
				v.Members = append(v.Members, s.Verb)
			}
		} else {
			v.Commands = append(v.Commands, shownCommands(p, s)...)
			v.Image, v.From = s.Image.Value, s.CommandsOrigin
			for _, d := range s.Deps {
				v.After = append(v.After, d.Value)
			}
		}
		list.Verbs = append(list.Verbs, v)
	}
	return list, nil
}

// notDefinedReason is the why of a verb the convention leaves undefined.
func notDefinedReason(e *plan.NotDefinedError) string {
	if members, group := config.Groups[e.Verb]; group && e.Reason == "" {
		return "none of " + strings.Join(members, ", ") + " is defined"
	}
	return e.Reason
}
