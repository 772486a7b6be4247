package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
	"github.com/gazr-io/gazr/pkg/watch"
)

// DefaultDebounce is how long `gazr watch` waits after the last change.
const DefaultDebounce = 300 * time.Millisecond

// WatchOptions are the inputs of `gazr watch`.
type WatchOptions struct {
	IO      *iostreams.IOStreams
	Project func() (*Project, error)
	// Run runs the watched verb once (runVerb; the project is loaded
	// again each time, so edits to .gazr.toml or the Taskfile apply).
	Run func(ctx context.Context, verb string) error
	// After makes the debounce timers; nil is time.After.
	After func(time.Duration) <-chan time.Time

	// Verb is the verb to re-run; "" is the project's watch verb if it
	// defines one, else test.
	Verb     string
	Debounce time.Duration
}

func newCmdWatch(f *Factory) *cli.Command {
	opts := &WatchOptions{IO: f.IO, Project: f.LoadProject}
	return &cli.Command{
		Name:      "watch",
		Usage:     verbUsage["watch"],
		UsageText: "gazr watch [<verb>] [--debounce 300ms] [-- <args>...]",
		Description: "Runs the verb once, then again whenever a file of the project changes\n" +
			"(ignoring .git, dependency trees, .gitignore'd paths and the verb's generates);\n" +
			"a failing run does not stop the watch; Ctrl-C does.\n\n" +
			"Each step's container is kept running between runs, each run an exec in it\n" +
			"(same image, mounts, user, env, caches and services), which starts in a\n" +
			"fraction of a fresh container's time. Kept between runs: the container's own\n" +
			"files outside the mounts (/tmp, HOME). Not kept: processes a run left behind\n" +
			"(killed after it). A changed image, env, user or mounts recreates it; the\n" +
			"containers are removed when the watch ends, and by gazr destroy.\n\n" +
			"Examples:\n" +
			"  $ gazr watch\n" +
			"  $ gazr watch test-unit -- -run TestParse\n" +
			"  $ gazr watch lint --debounce 1s",
		Category: "verbs",
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "debounce", Value: DefaultDebounce, Usage: "wait this long after the last change before re-running"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 1 {
				return &UsageError{Err: fmt.Errorf("watch takes at most one verb, e.g. gazr watch test-unit; pass arguments to the step after --")}
			}
			opts.Verb, opts.Debounce = cmd.Args().First(), cmd.Duration("debounce")
			// Each re-run is an exec in the step's container, kept running
			// until the watch ends, on every path (Ctrl-C cancels ctx).
			warm := &container.Warm{}
			defer warm.Close()
			opts.Run = func(ctx context.Context, verb string) error {
				vo := f.verbOptions(verb)
				vo.Args, vo.Warm = f.ExtraArgs, warm
				if verb == "build" {
					// As gazr build does: the compose images too.
					return runBuild(ctx, vo)
				}
				return runVerb(ctx, vo)
			}
			return runWatch(ctx, opts)
		},
	}
}

// runWatch is `gazr watch`: check → watch the tree → run, then re-run on
// changes until interrupted.
func runWatch(ctx context.Context, opts *WatchOptions) error {
	if opts.Debounce <= 0 {
		return &UsageError{Err: fmt.Errorf("--debounce %s: want a positive duration, e.g. 300ms", opts.Debounce)}
	}
	p, err := opts.Project()
	if err != nil {
		return err
	}
	verb, err := watchedVerb(p, opts.Verb)
	if err != nil {
		return err
	}
	ig, err := watch.NewIgnore(p.Config.Root, generates(p, verb))
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	w, err := watch.New(p.Config.Root, ig)
	if err != nil {
		return err
	}
	w.Warn = func(err error) { fmt.Fprintf(opts.IO.ErrOut, "gazr: warning: %v\n", err) }
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go w.Run(wctx)

	cs := opts.IO.ColorScheme()
	fmt.Fprintf(opts.IO.ErrOut, "%s watching %s for changes to re-run %s; Ctrl-C to stop\n", cs.Cyan("◉"), p.Config.Root, verb)
	after := opts.After
	if after == nil {
		after = time.After
	}
	return watch.Loop(ctx, w.Events, after, opts.Debounce, func(ctx context.Context, t watch.Trigger) {
		if !t.Initial {
			fmt.Fprintf(opts.IO.ErrOut, "%s change: %s — re-running %s\n", cs.Cyan("▶"), changed(t), verb)
		}
		err := opts.Run(ctx, verb)
		var silent *SilentError
		if err != nil && ctx.Err() == nil && !errors.As(err, &silent) {
			// Reported, not returned: the next change runs it again.
			fmt.Fprintf(opts.IO.ErrOut, "%s %s\n", cs.Red("gazr:"), err)
		}
	})
}

// watchedVerb checks the verb asked for, or picks the default: the
// project's own watch verb if it defines one, else test.
func watchedVerb(p *Project, verb string) (string, error) {
	if verb == "" {
		verb = "test"
		if plan.Defined(p.Config, p.Convention, "watch") {
			verb = "watch"
		}
	}
	extra := projectVerbs(p, nil)
	if !config.IsVerb(verb) && !slices.Contains(extra, verb) {
		hint := ""
		if s := config.Suggest(verb, append(slices.Clone(extra), config.Verbs...)); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
		return "", &UsageError{Err: fmt.Errorf("cannot watch %q: no such verb%s", verb, hint)}
	}
	if _, err := p.Plan(verb, project.PlanOptions{}); err != nil {
		return "", err
	}
	return verb, nil
}

// generates are the outputs of verb (and of its group's members) as the
// config declares them, and those of the project's tasks (any of them may
// run as a dependency): a run writing them must not trigger the next.
func generates(p *Project, verb string) []string {
	var out []string
	for _, v := range append([]string{verb}, config.Groups[verb]...) {
		if cv := p.Config.Verbs[v]; cv != nil {
			out = append(out, cv.Generates...)
		}
	}
	if p.Convention != nil {
		out = append(out, p.Convention.Outputs...)
	}
	return out
}

func changed(t watch.Trigger) string {
	if t.More == 0 {
		return t.Path
	}
	return fmt.Sprintf("%s (and %d more)", t.Path, t.More)
}
