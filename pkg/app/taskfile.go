package app

import (
	"context"
	"errors"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
)

// projectVerbs are the verbs the project adds to gazr's (its Taskfile's
// other tasks), less those that gazr's own commands hide.
func projectVerbs(p *Project, commands []string) []string {
	if p.Convention == nil {
		return nil
	}
	var out []string
	for _, v := range p.Convention.Extra {
		if !slices.Contains(commands, v) {
			out = append(out, v)
		}
	}
	return out
}

// runProjectVerb runs `gazr <name>` for a name that is no gazr command:
// one of the project's own verbs (a Taskfile task), else an unknown
// command. A Taskfile that cannot be read says so.
func runProjectVerb(ctx context.Context, f *Factory, cmd *cli.Command) error {
	name, rest := cmd.Args().First(), cmd.Args().Tail()
	p, err := f.LoadProject()
	if err != nil {
		// A broken Taskfile hides the project's verbs: say so. Any other
		// problem (a broken .gazr.toml) is for the verbs to report; the
		// name is most likely a typo.
		var ce *config.Error
		if errors.As(err, &ce) && filepath.Base(ce.Path) != config.FileName {
			return err
		}
		return f.unknownCommand(name, nil)
	}
	extra := projectVerbs(p, f.commands)
	if !slices.Contains(extra, name) {
		return f.unknownCommand(name, extra)
	}
	return runProjectVerbCmd(ctx, f, p, name, rest)
}
