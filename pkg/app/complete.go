package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/chaos"
	"github.com/gazr-io/gazr/pkg/completion"
	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/scaffold"
)

// newCmdCompletion is `gazr completion bash|zsh|fish`.
func newCmdCompletion(f *Factory) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		UsageText: "gazr completion bash|zsh|fish",
		Description: "Examples:\n" +
			"  $ source <(gazr completion bash)                # bash, this shell\n" +
			"  $ gazr completion zsh > \"${fpath[1]}/_gazr\"      # zsh\n" +
			"  $ gazr completion fish > ~/.config/fish/completions/gazr.fish",
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return &UsageError{Err: fmt.Errorf("gazr completion takes a shell: gazr completion %s", strings.Join(completion.Shells, "|"))}
			}
			script, err := completion.Script(cmd.Args().First())
			if err != nil {
				return &UsageError{Err: err}
			}
			_, err = fmt.Fprint(f.IO.Out, script)
			return err
		},
	}
}

// newCmdComplete is the hidden `gazr __complete <word>...` the completion
// scripts call with the words after "gazr", the last being the one to
// complete (possibly empty). It prints the candidates, one a line; none
// lets the shell complete file names.
func newCmdComplete(f *Factory) *cli.Command {
	return &cli.Command{
		Name:            completion.Command,
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if f.ExtraArgs != nil {
				return nil // after "--": the step's arguments, file names
			}
			for _, c := range complete(ctx, f, cmd.Root(), cmd.Args().Slice()) {
				fmt.Fprintln(f.IO.Out, c)
			}
			return nil
		},
	}
}

// complete returns the candidates for the last of words.
func complete(ctx context.Context, f *Factory, root *cli.Command, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, prev := words[len(words)-1], words[:len(words)-1]
	prev, valueOfC := skipGlobalFlags(f, prev)
	if valueOfC {
		return nil
	}
	if len(prev) == 0 {
		if strings.HasPrefix(cur, "-") {
			return withPrefix(append(flagNames(root.Flags), "--help", "--version"), cur)
		}
		return withPrefix(append(commandNames(root), projectNames(f)...), cur)
	}
	name, args := prev[0], prev[1:]
	cmd := root.Command(name)
	if cmd == nil {
		if !slices.Contains(projectNames(f), name) {
			return nil
		}
		cmd = verbCommand(f, &VerbOptions{Verb: name})
	}
	path := cmd.Name // "cluster scale" for a subcommand
	for len(args) > 0 && cmd.Command(args[0]) != nil {
		cmd, args = cmd.Command(args[0]), args[1:]
		path += " " + cmd.Name
	}
	if n := len(args); n > 0 && takesValue(cmd, args[n-1]) {
		switch flag := strings.TrimLeft(args[n-1], "-"); {
		case flag == "env" || flag == "e":
			return withPrefix(envNames(f), cur)
		case path == "chaos" && (flag == "service" || flag == "s"):
			return withPrefix(serviceNames(ctx, f), cur)
		}
		return nil
	}
	if strings.HasPrefix(cur, "-") {
		return withPrefix(append(flagNames(cmd.Flags), "--help"), cur)
	}
	return withPrefix(positional(ctx, f, root, path, positionals(cmd, args)), cur)
}

// positional are the candidates for the next argument of a command
// (its path from the root: "cluster scale"), after n.
func positional(ctx context.Context, f *Factory, root *cli.Command, name string, n int) []string {
	switch name {
	case "help":
		if n == 0 {
			return append(commandNames(root), projectNames(f)...)
		}
	case "explain", "watch", "shell":
		if n == 0 {
			return append(slices.Clone(config.Verbs), projectNames(f)...)
		}
	case "new":
		if n == 0 {
			if c, err := scaffold.Builtin(); err == nil {
				return c.Names()
			}
		}
	case "run", "logs":
		return serviceNames(ctx, f)
	case "scale":
		var out []string
		for _, s := range serviceNames(ctx, f) {
			out = append(out, s+"=")
		}
		return out
	case "completion":
		if n == 0 {
			return completion.Shells
		}
	case "cluster":
		if n == 0 {
			return commandNames(root.Command("cluster"))
		}
	case "cluster scale":
		if n == 0 {
			return []string{"workers="}
		}
	case "chaos":
		if n == 0 {
			return chaos.Names()
		}
	}
	return nil
}

// skipGlobalFlags drops the root's flags from words, applying -C, and
// reports whether the word to complete is -C's value.
func skipGlobalFlags(f *Factory, words []string) ([]string, bool) {
	for len(words) > 0 {
		switch a := words[0]; {
		case a == "-C" || a == "--directory":
			if len(words) == 1 {
				return nil, true
			}
			f.Dir, words = words[1], words[2:]
		case strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--directory="):
			f.Dir, words = a[strings.IndexByte(a, '=')+1:], words[1:]
		case a == "--no-color":
			words = words[1:]
		default:
			return words, false
		}
	}
	return words, false
}

// positionals counts the arguments in args that are not flags or their
// values.
func positionals(cmd *cli.Command, args []string) int {
	n := 0
	for i := 0; i < len(args); i++ {
		switch {
		case takesValue(cmd, args[i]):
			i++
		case !strings.HasPrefix(args[i], "-"):
			n++
		}
	}
	return n
}

// takesValue reports whether arg is one of cmd's flags that takes a value
// in the next word.
func takesValue(cmd *cli.Command, arg string) bool {
	if !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
		return false
	}
	name := strings.TrimLeft(arg, "-")
	for _, fl := range cmd.Flags {
		if slices.Contains(fl.Names(), name) {
			d, ok := fl.(cli.DocGenerationFlag)
			return ok && d.TakesValue()
		}
	}
	return false
}

// flagNames are the long (--x) and short (-x) spellings of flags.
func flagNames(flags []cli.Flag) []string {
	var out []string
	for _, fl := range flags {
		for _, n := range fl.Names() {
			if len(n) == 1 {
				out = append(out, "-"+n)
			} else {
				out = append(out, "--"+n)
			}
		}
	}
	return out
}

// commandNames are the visible (sub)commands of parent.
func commandNames(parent *cli.Command) []string {
	var out []string
	for _, c := range parent.Commands {
		if !c.Hidden {
			out = append(out, c.Name)
		}
	}
	return out
}

// projectNames are the project's own verbs; none when it cannot be read.
func projectNames(f *Factory) []string {
	p, err := f.LoadProject()
	if err != nil {
		return nil
	}
	return projectVerbs(p, f.commands)
}

// envNames are the project's deploy environments.
func envNames(f *Factory) []string {
	p, err := f.LoadProject()
	if err != nil {
		return []string{"local"}
	}
	return p.Config.EnvNames()
}

// serviceNames are the services of the project's compose file.
func serviceNames(ctx context.Context, f *Factory) []string {
	p, err := f.LoadProject()
	if err != nil {
		return nil
	}
	proj, err := compose.Load(ctx, composeOptions(compose.Dev, p.Config.Root, p.Config.Name))
	if err != nil {
		return nil
	}
	return proj.ServiceNames()
}

// withPrefix keeps the candidates starting with prefix, sorted, once each.
func withPrefix(candidates []string, prefix string) []string {
	var out []string
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}
