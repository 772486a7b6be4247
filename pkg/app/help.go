package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/urfave/cli/v3"
)

// newCmdHelp is `gazr help [<command>]`: gazr's help, or a command's,
// or one of the project's verbs'.
func newCmdHelp(f *Factory) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show gazr's help, or a command's",
		UsageText: "gazr help [<command>]",
		Action: func(ctx context.Context, cmd *cli.Command) error {
			root := cmd.Root()
			if cmd.Args().Len() == 0 {
				return cli.ShowRootCommandHelp(root)
			}
			if cmd.Args().Len() > 1 {
				return &UsageError{Err: fmt.Errorf("gazr help takes one command, got %d arguments: gazr help [<command>]", cmd.Args().Len())}
			}
			name := cmd.Args().First()
			if c := root.Command(name); c != nil {
				if p, err := f.LoadProject(); err == nil && c.Category == "verbs" {
					if d := verbDescription(p, c.Name); d != "" {
						c.Usage = d
					}
				}
				return cli.ShowCommandHelp(ctx, root, c.Name)
			}
			p, err := f.LoadProject()
			if err != nil {
				return f.unknownCommand(name, nil)
			}
			if extra := projectVerbs(p, f.commands); !slices.Contains(extra, name) {
				return f.unknownCommand(name, extra)
			}
			return runProjectVerbCmd(ctx, f, p, name, []string{"--help"})
		},
	}
}
