// Package runner runs resolved plans: each step in a container once its
// deps have passed, up to Jobs at a time, skipping those whose work is
// unchanged, with the plan's sidecar services started once, and each line
// of parallel steps' output prefixed with their verb.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/fingerprint"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
	"github.com/gazr-io/gazr/pkg/shell"
)

// Services starts a project's sidecar services (a *sidecar.Manager).
type Services interface {
	// Up starts the named services of p, healthy, and returns the network
	// steps join to reach them.
	Up(ctx context.Context, p *types.Project, names []string) (string, error)
}

// Options are what running plans needs: streams, the engine, how many
// steps at once, whether to skip unchanged ones.
type Options struct {
	IO *iostreams.IOStreams
	// Engine connects to the engine that runs the steps; called once per
	// plan, when it runs.
	Engine func(context.Context) (container.StepAPI, error)
	// Services connects to the engine of project's sidecar services;
	// called only when a step that lists services runs.
	Services func(ctx context.Context, project string) (Services, error)
	// Jobs bounds how many independent steps run at once; 0 means the
	// number of CPUs.
	Jobs int
	// Force runs steps whose work is unchanged since their last success.
	Force bool
	// Environ and Profiles are what the compose file of the plan's
	// services is loaded with (a compose.Dev load): the variables of its
	// interpolation and the profiles it enables; nil means none. The
	// caller reads them (gazr: its environment and COMPOSE_PROFILES), the
	// runner never reads the process environment.
	Environ  map[string]string
	Profiles []string
	// Warm, when not nil, runs each step in a container kept running
	// between runs (gazr watch); its owner closes it. An engine without
	// exec runs fresh containers.
	Warm *container.Warm
}

// StepError is a step that ran and failed, already reported on stderr:
// Code is its exit code, which gazr passes through unchanged.
type StepError struct {
	Verb string
	Code int
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %s failed with exit code %d", e.Verb, e.Code)
}

// stepRun runs a plan's steps on the engine: each once its deps have
// passed, up to Jobs at a time, skipping those whose work is unchanged.
type stepRun struct {
	opts *Options
	api  container.StepAPI
	pl   *plan.Plan
	// parallel: several steps may run at once, so each line of their
	// output is prefixed with the verb.
	parallel bool
	pad      int
	lines    iostreams.Lines
	errOut   io.Writer
	// services guards starting the sidecars: the first step that needs
	// any starts those of the whole plan, once; later steps join them.
	services        sync.Mutex
	servicesStarted bool
	servicesErr     error
	compose         *types.Project
	serviceNames    []string

	mu            sync.Mutex
	ran, skipped  int
	store         *fingerprint.Store
	storeErr      error
	storeResolved bool
	// prescans are the walks of steps' sources started with the run.
	prescans map[*plan.Step]*fingerprint.Prescan
}

// Run runs pl, resolved for project p, on the engine; it returns the
// first error, a *StepError for a step that failed, ctx's error when
// cancelled. Steps that depend on a failed one do not run.
func Run(ctx context.Context, opts *Options, p *project.Project, pl *plan.Plan) error {
	jobs := opts.Jobs
	if jobs == 0 {
		jobs = runtime.NumCPU()
	}
	// Walking the sources while the engine answers: on a skipped verb,
	// the walk and the engine's round trips are most of the time.
	prescans := prescan(pl, jobs)
	// A configuration error fails the run before the engine is reached
	// and before any step starts, as it fails a dry run; the compose
	// project loaded for that is the one the first step needing services
	// starts.
	proj, names, err := Validate(ctx, opts, p, pl)
	if err != nil {
		return err
	}
	api, err := opts.Engine(ctx)
	if err != nil {
		return err
	}
	r := &stepRun{opts: opts, api: api, pl: pl, errOut: opts.IO.ErrOut, compose: proj, serviceNames: names, prescans: prescans}
	if jobs > 1 && plan.Width(pl.Steps) > 1 {
		r.parallel = true
		r.errOut = r.lines.Locked(opts.IO.ErrOut)
		for _, s := range pl.Steps {
			r.pad = max(r.pad, len(s.Verb))
		}
	}
	// Reaping needs a round trip to the engine that no step waits for: a
	// dead gazr's containers are never those the steps create. Run
	// returns once it is done, so nothing it removes outlives gazr.
	reaped := make(chan struct{})
	go func() {
		defer close(reaped)
		container.Reap(ctx, api, pl.Project, r.errOut)
	}()
	defer func() { <-reaped }()
	start := time.Now()
	if err := plan.Walk(ctx, pl.Steps, jobs, r.step); err != nil {
		return err
	}
	if len(pl.Steps) > 1 {
		cs := opts.IO.ColorScheme()
		counts := fmt.Sprintf("%d steps passed", r.ran)
		if r.skipped > 0 {
			counts += fmt.Sprintf(", %d skipped", r.skipped)
		}
		fmt.Fprintf(r.errOut, "%s %s: %s in %s\n", cs.Green("✔"), pl.Verb, counts, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// step runs one step: skip it when unchanged, start its services, run
// it, record its success.
func (r *stepRun) step(ctx context.Context, s *plan.Step) error {
	cs := r.opts.IO.ColorScheme()
	fp, in, verdict := r.check(ctx, s)
	if verdict != nil && verdict.Skip {
		fmt.Fprintf(r.errOut, "%s %s skipped: unchanged since its last success %s ago (--force runs it)\n",
			cs.Yellow("•"), s.Verb, Ago(verdict.Last))
		r.count(&r.skipped)
		return nil
	}
	why := ""
	if verdict != nil {
		why = " — " + verdict.Reason
	}
	if err := r.startServices(ctx, s); err != nil {
		return err
	}
	kept := s.Warm > 0 && r.opts.Warm == nil
	if kept {
		why += " · warm, kept " + plan.Short(s.Warm)
	}
	fmt.Fprintf(r.errOut, "%s %s %s%s\n", cs.Cyan("▶"), cs.Bold(s.Verb), cs.Gray(Summary(s)), cs.Gray(why))
	runner := &container.Runner{API: r.api, Project: r.pl.Project, Stdout: r.opts.IO.Out, Stderr: r.opts.IO.ErrOut}
	inter := Interact(r.opts.IO, r.parallel, r.opts.Warm != nil || kept)
	// A kept warm run's exec takes piped input, not a terminal's keys
	// (use gazr shell for those).
	inter.Stdin = inter.Stdin || kept && !r.parallel && r.opts.IO.StdinPiped
	// Input piped into `gazr test` is meant for the verb asked, not for
	// its deps: a dep's container would take it into its stdin's buffer
	// unread, and the verb would find none left.
	inter.Stdin = inter.Stdin && asked(r.pl, s)
	inter.apply(r.opts.IO, runner)
	if r.parallel {
		prefix := fmt.Sprintf("%-*s | ", r.pad, s.Verb)
		out, errOut := r.lines.Prefixed(r.opts.IO.Out, prefix), r.lines.Prefixed(r.opts.IO.ErrOut, prefix)
		defer out.Close()
		defer errOut.Close()
		runner.Stdout, runner.Stderr = out, errOut
	}
	t := time.Now()
	err := r.run(ctx, runner, s, kept)
	took := time.Since(t).Round(time.Millisecond)
	var exit *container.ExitError
	switch {
	case err == nil:
		fmt.Fprintf(r.errOut, "%s %s passed in %s\n", cs.Green("✔"), s.Verb, took)
		r.count(&r.ran)
		if verdict != nil {
			if rerr := fp.Record(s.Verb, in, verdict); rerr != nil {
				fmt.Fprintf(r.errOut, "gazr: warning: %s: cannot record its success, it will run next time: %v\n", s.Verb, rerr)
			}
		}
		return nil
	case errors.As(err, &exit):
		fmt.Fprintf(r.errOut, "%s %s failed with exit code %d in %s\n", cs.Red("✘"), s.Verb, exit.Code, took)
		return &StepError{Verb: s.Verb, Code: exit.Code}
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(r.errOut, "%s %s interrupted after %s; no container of it is left\n", cs.Yellow("■"), s.Verb, took)
		return err
	default:
		return err
	}
}

// run runs the step in a fresh container, or a warm one: gazr watch's,
// or, when kept, the step's kept one (verbs.<verb>.warm).
func (r *stepRun) run(ctx context.Context, runner *container.Runner, s *plan.Step, kept bool) error {
	ex, ok := r.api.(container.ExecAPI)
	kapi, keptOK := r.api.(container.KeptAPI)
	switch {
	case ok && r.opts.Warm != nil:
		return r.opts.Warm.Run(ctx, runner, ex, s)
	case keptOK && kept:
		dir, err := fingerprint.CacheDir()
		if err != nil {
			fmt.Fprintf(runner.Stderr, "gazr: warning: %s: no warm run without a cache directory (%v; set %s); it runs in a fresh container\n",
				s.Verb, err, fingerprint.CacheDirEnv)
			return runner.Run(ctx, s)
		}
		return runner.RunKept(ctx, kapi, s, filepath.Join(dir, "warm"))
	}
	return runner.Run(ctx, s)
}

// startServices starts, for the first step that needs services, those
// of the whole plan (their union, started once); the steps after it find
// them up. A step whose work is skipped starts none.
func (r *stepRun) startServices(ctx context.Context, s *plan.Step) error {
	if len(s.Services.Values) == 0 {
		return nil
	}
	r.services.Lock()
	defer r.services.Unlock()
	if !r.servicesStarted {
		r.servicesStarted = true
		r.servicesErr = upServices(ctx, r.opts, r.pl, r.compose, r.serviceNames)
	}
	return r.servicesErr
}

func (r *stepRun) count(n *int) {
	r.mu.Lock()
	*n++
	r.mu.Unlock()
}

// Summary is the one-line description of a step in its header: its
// commands and args, cut at 72 runes, and its image.
func Summary(s *plan.Step) string {
	cmd := iostreams.OneLine(strings.Join(s.Commands, " && "))
	if len(s.Args) > 0 {
		cmd += " " + shell.Join(s.Args)
	}
	return fmt.Sprintf("%s · %s", iostreams.Truncate(cmd, 72), s.Image.Value)
}
