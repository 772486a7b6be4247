package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
	"github.com/gazr-io/gazr/pkg/runner"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// runPlan runs a resolved plan of project p with the verb's options
// (runner.Run); a failed step, already reported, becomes its exit code.
func runPlan(ctx context.Context, opts *VerbOptions, p *Project, pl *plan.Plan) error {
	return stepExit(runner.Run(ctx, opts.runner(), p, pl))
}

// validatePlan makes the checks a real run makes before anything starts
// (runner.Validate: the compose file of the plan's services, their names,
// images and build contexts), for a dry run and explain, which then
// reject what the run would.
func validatePlan(ctx context.Context, p *Project, pl *plan.Plan) error {
	vars, profiles := hostEnv()
	_, _, err := runner.Validate(ctx, &runner.Options{Environ: vars, Profiles: profiles}, p, pl)
	return err
}

// runOwnVerb runs the project's own definition of opts.Verb, if any
// (runner.RunOwn), before gazr's part of stop and destroy.
func runOwnVerb(ctx context.Context, opts *VerbOptions, p *Project) error {
	return stepExit(runner.RunOwn(ctx, opts.runner(), p, opts.Verb, project.PlanOptions{Args: opts.Args, FindHelper: opts.TaskHelper}))
}

// stepExit is the exit of a failed step, already reported by the runner:
// its own exit code, silently.
func stepExit(err error) error {
	var failed *runner.StepError
	if errors.As(err, &failed) {
		return &SilentError{Code: failed.Code}
	}
	return err
}

// runner are the runner's options of a verb: the sidecar services are
// started by the project's manager, reporting on stderr.
func (opts *VerbOptions) runner() *runner.Options {
	vars, profiles := hostEnv()
	return &runner.Options{IO: opts.IO, Engine: opts.Engine, Jobs: opts.Jobs, Force: opts.Force, Environ: vars, Profiles: profiles, Warm: opts.Warm,
		Services: func(ctx context.Context, project string) (runner.Services, error) {
			api, err := opts.Services(ctx)
			if err != nil {
				return nil, err
			}
			return newManager(opts.IO, api, project), nil
		}}
}

// planOptions are the options of resolving the verb: a plan that runs
// needs the gazr-task helper if a step uses it, a dry run does not.
func (opts *VerbOptions) planOptions() project.PlanOptions {
	return project.PlanOptions{Args: opts.Args, FindHelper: opts.TaskHelper, NeedHelper: !opts.DryRun}
}

// newManager is the sidecar manager of a project, reporting progress on
// stderr, building images through the same engine.
func newManager(io *iostreams.IOStreams, api sidecar.API, project string) *sidecar.Manager {
	m := &sidecar.Manager{API: api, Project: project, Out: io.ErrOut, Color: io.ColorScheme()}
	if b, ok := api.(sidecar.BuildAPI); ok {
		m.Builder = b
	}
	return m
}

// sidecarAPI is the engine connection of sidecar services: the factory's
// engine, which (a moby client) serves every API they need.
func (f *Factory) sidecarAPI(ctx context.Context) (sidecar.API, error) {
	api, err := f.Engine(ctx)
	if err != nil {
		return nil, err
	}
	s, ok := api.(sidecar.API)
	if !ok {
		return nil, fmt.Errorf("the container engine client %T cannot run services", api)
	}
	return s, nil
}

// warmServices are the services some verb of the project lists, and what
// they depend on: `gazr run` leaves them running when it stops.
func warmServices(p *Project, proj *types.Project) []string {
	var listed []string
	for _, verb := range config.Verbs {
		pl, err := p.Plan(verb, project.PlanOptions{})
		if err != nil {
			continue
		}
		listed = append(listed, runner.PlanServices(pl)...)
	}
	return sidecar.Dependencies(proj, listed)
}
