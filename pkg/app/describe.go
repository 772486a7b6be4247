package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/plan"
)

// verbDescription is what the project says a verb does: its .gazr.toml
// description, else its Taskfile task's desc (or summary); "" when
// neither says.
func verbDescription(p *Project, verb string) string {
	if v := p.Config.Verbs[verb]; v != nil && v.Description != "" {
		return v.Description
	}
	if p.Convention != nil {
		return p.Convention.Verbs[verb].Description
	}
	return ""
}

// listRow returns a printer of one `gazr list` row (verb, description,
// then the other cells) that drops the description when withDesc is false.
func listRow(w io.Writer, withDesc bool) func(verb, desc string, cells ...string) {
	return func(verb, desc string, cells ...string) {
		if withDesc {
			cells = append([]string{desc}, cells...)
		}
		fmt.Fprintln(w, verb+"\t"+strings.Join(cells, "\t"))
	}
}

// shownCommands are a step's commands as `gazr list` shows them: a
// Taskfile task as "task <name>", not the helper's path inside the
// container.
func shownCommands(p *Project, s *plan.Step) []string {
	if p.Convention != nil {
		if task := p.Convention.Verbs[s.Verb].Task; task != "" && slices.Equal(s.Commands, []string{convention.TaskCommand(task)}) {
			return []string{"task " + task}
		}
	}
	return s.Commands
}

// describeRoot fills the root's help with the project's words: each
// verb's description in place of gazr's generic one, and the project's
// own verbs (its Taskfile's other tasks) under a category of their own.
// Without a project, or with a broken one, the help stays generic: it
// must always print.
func describeRoot(f *Factory, root *cli.Command) {
	p, err := f.LoadProject()
	if err != nil {
		return
	}
	for _, c := range root.Commands {
		if c.Category == "verbs" {
			if d := verbDescription(p, c.Name); d != "" {
				c.Usage = d
			}
		}
	}
	for _, name := range projectVerbs(p, f.commands) {
		c := newCmdProjectVerb(f, p, name)
		c.Category = "project verbs"
		root.Commands = append(root.Commands, c)
	}
}

// newCmdProjectVerb is the command of one of the project's own verbs,
// with the flags of gazr's verbs.
func newCmdProjectVerb(f *Factory, p *Project, name string) *cli.Command {
	opts := f.verbOptions(name)
	opts.Project = func() (*Project, error) { return p, nil }
	c := verbCommand(f, opts)
	c.Usage = verbDescription(p, name)
	if c.Usage == "" {
		c.Usage = "the project's task " + name
	}
	return c
}

// runProjectVerbCmd runs `gazr <name> [flags]` for a project verb: its
// command, run on its own, parses the flags and --help as a verb's.
func runProjectVerbCmd(ctx context.Context, f *Factory, p *Project, name string, rest []string) error {
	c := newCmdProjectVerb(f, p, name)
	c.Name = "gazr " + name // its help's title
	c.Writer, c.ErrWriter = f.IO.Out, f.IO.ErrOut
	c.HideHelpCommand = true
	c.ExitErrHandler = func(context.Context, *cli.Command, error) {}
	c.OnUsageError = usageError
	// urfave/cli takes the command in ctx for the parent of the one run:
	// this one runs as a root, cancelled with ctx but without its values.
	own, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	return c.Run(own, append([]string{"gazr"}, rest...))
}

// wantsRootHelp reports whether args (os.Args) ask for gazr's own help
// (`gazr`, `gazr --help`, `gazr help`, after global flags), and the -C
// directory they name, if any.
func wantsRootHelp(args []string) (bool, string) {
	dir := ""
	rest := args[min(1, len(args)):]
	for len(rest) > 0 {
		a := rest[0]
		switch {
		case a == "-C" || a == "--directory" || a == "-directory":
			if len(rest) < 2 {
				return false, ""
			}
			dir, rest = rest[1], rest[2:]
		case strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--directory="):
			dir, rest = a[strings.IndexByte(a, '=')+1:], rest[1:]
		case a == "--no-color":
			rest = rest[1:]
		default:
			return len(rest) == 1 && (a == "-h" || a == "--help" || a == "help"), dir
		}
	}
	return true, dir
}
