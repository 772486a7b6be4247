package app

import (
	"context"
	"errors"
	"fmt"
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
		// name is most likely a typo, but it may be a verb the broken
		// file was to define, so its error rides along as a hint.
		var ce *config.Error
		if errors.As(err, &ce) && filepath.Base(ce.Path) != config.FileName {
			return err
		}
		return withConfigHint(f.unknownCommand(name, nil), err)
	}
	extra := projectVerbs(p, f.commands)
	if !slices.Contains(extra, name) {
		return f.unknownCommand(name, extra)
	}
	return runProjectVerbCmd(ctx, f, p, name, rest)
}

// withConfigHint adds to an unknown-command error why .gazr.toml does not
// load, on the same line: the unknown name may be one of its own verbs.
func withConfigHint(unknown, cfgErr error) error {
	var u *UsageError
	if !errors.As(unknown, &u) {
		return unknown
	}
	return &UsageError{Err: fmt.Errorf("%w (%s does not load: %v)", u.Err, config.FileName, cfgErr)}
}
