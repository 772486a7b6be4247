package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// upServices starts the named services of proj, already loaded and checked
// by Validate, and points the plan's steps that list services at their
// network.
func upServices(ctx context.Context, opts *Options, pl *plan.Plan, proj *types.Project, names []string) error {
	svc, err := opts.Services(ctx, pl.Project)
	if err != nil {
		return err
	}
	network, err := svc.Up(ctx, proj, names)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(opts.IO.ErrOut, "%s services interrupted; those not healthy yet were removed\n", opts.IO.ColorScheme().Yellow("■"))
	}
	if err != nil {
		return err
	}
	for _, s := range pl.Steps {
		if len(s.Services.Values) > 0 {
			s.Network = network
		}
	}
	return nil
}

// Validate is the check a plan passes before anything of it runs: a real
// run, a dry run and `gazr explain` all call it, so that what a dry run
// accepts a real run accepts too. It loads the compose project that
// defines the services the plan's steps list (with opts.Environ and
// opts.Profiles) and checks that it parses, that the services exist and
// that their images and build contexts are valid, each a configuration
// error at its file:line:col. It contacts no engine and creates nothing;
// with no services listed it returns no project and no names. (The
// .gazr.toml values themselves, run and image included, were checked
// when the config was parsed, and the steps' images when the plan was
// resolved.)
func Validate(ctx context.Context, opts *Options, p *project.Project, pl *plan.Plan) (*types.Project, []string, error) {
	names := PlanServices(pl)
	if len(names) == 0 {
		return nil, nil, nil
	}
	proj, err := compose.Load(ctx, compose.LoadOptions{Mode: compose.Dev, Dir: pl.Root, Name: pl.Project, Environ: opts.Environ, Profiles: opts.Profiles})
	if errors.Is(err, compose.ErrNotFound) {
		s := stepListing(pl, names[0])
		return nil, nil, servicesError(p, pl, s, fmt.Sprintf(
			"verb %s needs services %s but the project has no compose file (looked for %s): add one that defines them, or remove services from [verbs.%s]",
			s.Verb, quoted(s.Services.Values), strings.Join(compose.FileNames, ", "), s.Verb))
	}
	if err != nil {
		return nil, nil, err
	}
	var unknown *sidecar.UnknownServiceError
	services, err := sidecar.Services(proj, names)
	if errors.As(err, &unknown) {
		s := stepListing(pl, unknown.Names[0])
		return nil, nil, servicesError(p, pl, s, fmt.Sprintf("verb %s: %s", s.Verb, unknown.Error()))
	} else if err != nil {
		return nil, nil, err
	}
	if err := sidecar.Check(proj, services); err != nil {
		return nil, nil, err
	}
	return proj, names, nil
}

// PlanServices is the union of the services the plan's steps list, in
// the order they are listed.
func PlanServices(pl *plan.Plan) []string {
	var names []string
	for _, s := range pl.Steps {
		for _, n := range s.Services.Values {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// stepListing is the first step of the plan that lists service name.
func stepListing(pl *plan.Plan, name string) *plan.Step {
	for _, s := range pl.Steps {
		if slices.Contains(s.Services.Values, name) {
			return s
		}
	}
	return pl.Steps[0]
}

// servicesError is a configuration error about a step's services, at the
// position of its services key in .gazr.toml when it has one.
func servicesError(p *project.Project, pl *plan.Plan, s *plan.Step, msg string) error {
	e := &config.Error{Path: pl.Config, Msg: msg}
	if p != nil && p.Config != nil && p.Config.Pos != nil {
		e.Pos = p.Config.Pos["verbs."+s.Verb+".services"]
	}
	if e.Path == "" {
		e.Msg = fmt.Sprintf("%s (%s)", msg, s.Services.Origin)
	}
	return e
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
