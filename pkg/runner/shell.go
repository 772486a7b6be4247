package runner

import (
	"context"
	"fmt"
	"slices"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
)

// shellScript runs the command given as arguments, else bash when the
// image has it, else sh.
const shellScript = `if [ $# -gt 0 ]; then exec "$@"; fi
if command -v bash >/dev/null 2>&1; then exec bash; fi
exec sh`

// ShellStep returns the step of pl whose container a shell in verb opens:
// verb's own step, or for a group (test, security) its first member in
// the plan. It is a copy of that step running a shell instead of its
// commands, with the same image, mounts, user, env, workdir, caches and
// services; the convention's prelude runs first (a virtualenv), its tool
// check and the verb's deps do not. args, when given, run instead of the
// shell ("-c …" follows the program in args[0]).
func ShellStep(pl *plan.Plan, verb string, args []string) (*plan.Step, error) {
	var target *plan.Step
	for _, s := range pl.Steps {
		if s.Verb == verb || target == nil && slices.Contains(config.Groups[verb], s.Verb) {
			target = s
		}
		if s.Verb == verb {
			break
		}
	}
	if target == nil {
		return nil, fmt.Errorf("verb %s has no step of its own to open a shell in", verb)
	}
	s := *target
	s.Commands, s.CommandsOrigin = []string{shellScript}, "gazr shell"
	s.ToolCheck, s.Tools = plan.Value{}, nil
	s.Args = args
	s.Sources, s.Generates, s.Deps = plan.Values{}, plan.Values{}, nil
	return &s, nil
}

// Shell runs step s (a ShellStep) in a container with gazr's stdin and
// terminal (Interact), after starting the services it lists, which stay
// up as after the verb (gazr stop stops them). It returns nil when the
// shell exits 0, a *container.ExitError with its exit code otherwise.
func Shell(ctx context.Context, opts *Options, p *project.Project, pl *plan.Plan, s *plan.Step) error {
	one := *pl
	one.Steps = []*plan.Step{s}
	proj, names, err := Validate(ctx, opts, p, &one)
	if err != nil {
		return err
	}
	api, err := opts.Engine(ctx)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		if err := upServices(ctx, opts, &one, proj, names); err != nil {
			return err
		}
	}
	cs := opts.IO.ColorScheme()
	fmt.Fprintf(opts.IO.ErrOut, "%s shell in %s's container %s\n", cs.Cyan("▶"), cs.Bold(s.Verb), cs.Gray("· "+s.Image.Value))
	r := &container.Runner{API: api, Project: pl.Project, Stdout: opts.IO.Out, Stderr: opts.IO.ErrOut}
	Interact(opts.IO, false, false).apply(opts.IO, r)
	return r.Run(ctx, s)
}
