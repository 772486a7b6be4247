package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/fingerprint"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
	"github.com/gazr-io/gazr/pkg/runner"
	"github.com/gazr-io/gazr/pkg/shell"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// ExplainOptions are the inputs of `gazr explain`.
type ExplainOptions struct {
	IO      *iostreams.IOStreams
	Project func() (*Project, error)
	// Engine tells the image IDs that fingerprints compare; explain works
	// without it, only unable to say whether a verb would be skipped.
	Engine func(context.Context) (container.StepAPI, error)
	// TaskHelper finds the gazr-task helper (Taskfile projects); nil
	// looks for it next to gazr.
	TaskHelper func() (string, error)
	Verb       string
	Args       []string
	// JSON prints a plan.Explanation instead of the text.
	JSON bool
}

func newCmdExplain(f *Factory) *cli.Command {
	opts := &ExplainOptions{IO: f.IO, Project: f.LoadProject, Engine: f.Engine, TaskHelper: f.TaskHelper}
	return &cli.Command{
		Name:      "explain",
		Usage:     "show the resolved plan of a verb, with the origin of each value",
		UsageText: "gazr explain [--json] <verb> [-- <args>...]",
		Description: "Examples:\n" +
			"  $ gazr explain test\n" +
			"  $ gazr explain test-unit -- -run TestParse\n" +
			"  $ gazr explain --json build | jq -r '.steps[].image.value'",
		Flags: []cli.Flag{jsonFlag()},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return &UsageError{Err: fmt.Errorf("explain takes one verb, e.g. gazr explain test; verbs: %s", strings.Join(config.Verbs, ", "))}
			}
			opts.Verb, opts.Args, opts.JSON = cmd.Args().First(), f.ExtraArgs, cmd.Bool("json")
			return runExplain(ctx, opts)
		},
	}
}

func runExplain(ctx context.Context, opts *ExplainOptions) error {
	p, err := opts.Project()
	if err != nil {
		return err
	}
	if err := knownVerb(p, opts.Verb); err != nil {
		return err
	}
	pl, err := p.Plan(opts.Verb, project.PlanOptions{Args: opts.Args, FindHelper: opts.TaskHelper})
	if err != nil {
		return err
	}
	if err := validatePlan(ctx, p, pl); err != nil {
		return err
	}
	vs := stepVerdicts(ctx, opts, pl)
	if opts.JSON {
		e := pl.Explain()
		e.FormatVersion = JSONFormatVersion
		for i := range e.Steps {
			e.Steps[i].Verdict = vs[i]
		}
		return printJSON(opts.IO.Out, e)
	}
	if err := printPlan(opts.IO, pl); err != nil {
		return err
	}
	printVerdicts(opts.IO, pl, vs)
	return nil
}

// knownVerb is nil when verb is one of gazr's verbs or one of project
// p's own (a Taskfile task), else a usage error with a suggestion.
func knownVerb(p *Project, verb string) error {
	if config.IsVerb(verb) {
		return nil
	}
	extra := projectVerbs(p, nil)
	if slices.Contains(extra, verb) {
		return nil
	}
	hint := ""
	if s := config.Suggest(verb, append(slices.Clone(config.Verbs), extra...)); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return &UsageError{Err: fmt.Errorf("unknown verb %q%s", verb, hint)}
}

// printVerdicts says, for each step with sources, whether a run now would
// run it or skip it, and what changed.
func printVerdicts(io *iostreams.IOStreams, pl *plan.Plan, vs []*plan.Verdict) {
	var lines []string
	for i, v := range vs {
		verb := pl.Steps[i].Verb
		switch {
		case v == nil:
		case v.Would == plan.VerdictUnknown:
			lines = append(lines, fmt.Sprintf("%s: cannot tell whether it would run: %s", verb, v.Reason))
		case v.Would == plan.VerdictSkip:
			lines = append(lines, fmt.Sprintf("%s: would be skipped: sources, plan and generates unchanged since its last success %s ago", verb, runner.Ago(*v.LastSuccess)))
		default:
			lines = append(lines, fmt.Sprintf("%s: would run: %s", verb, v.Reason))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(io.Out, "\n%s\n", strings.Join(lines, "\n"))
	}
}

// stepVerdicts are, for each step of pl in order, whether a run now would
// run it; nil for a step without sources. The engine is asked once, for
// the image IDs that fingerprints compare.
func stepVerdicts(ctx context.Context, opts *ExplainOptions, pl *plan.Plan) []*plan.Verdict {
	vs := make([]*plan.Verdict, len(pl.Steps))
	var api container.StepAPI
	var engineErr error
	for i, s := range pl.Steps {
		if len(s.Sources.Values) == 0 {
			continue
		}
		if api == nil && engineErr == nil {
			api, engineErr = opts.Engine(ctx)
		}
		switch v, err := explainVerdict(ctx, api, engineErr, pl, s); {
		case err != nil:
			vs[i] = &plan.Verdict{Would: plan.VerdictUnknown, Reason: err.Error()}
		case v.Skip:
			last := v.Last
			vs[i] = &plan.Verdict{Would: plan.VerdictSkip, LastSuccess: &last}
		default:
			vs[i] = &plan.Verdict{Would: plan.VerdictRun, Reason: v.Reason}
		}
	}
	return vs
}

func explainVerdict(ctx context.Context, api container.StepAPI, engineErr error, pl *plan.Plan, s *plan.Step) (*fingerprint.Verdict, error) {
	if engineErr != nil {
		return nil, fmt.Errorf("the image ID is unknown (%v)", engineErr)
	}
	store, err := fingerprint.Open(pl.Root)
	if err != nil {
		return nil, err
	}
	return store.Check(s.Verb, runner.Inputs(ctx, api, pl, s))
}

// printPlan writes a plan to stdout: one block per step, one line per
// value, the origin of each value in the last column.
func printPlan(io *iostreams.IOStreams, pl *plan.Plan) error {
	w := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "project\t%s\t%s\n", pl.Project, pl.Root)
	cfg := pl.Config
	if cfg == "" {
		cfg = "(none: " + config.FileName + " not found)"
	}
	fmt.Fprintf(w, "config\t%s\t\n", cfg)
	fmt.Fprintf(w, "convention\t%s\t%s\n", conventionName(pl), conventionOrigin(pl))
	for _, s := range pl.Steps {
		fmt.Fprintf(w, "\nstep %s\n", s.Verb)
		fmt.Fprintf(w, "  image\t%s\t%s\n", s.Image.Value, s.Image.Origin)
		if s.Prelude.Value != "" {
			fmt.Fprintf(w, "  prelude\t%s\t%s\n", iostreams.OneLine(s.Prelude.Value), s.Prelude.Origin)
		}
		if len(s.Tools) > 0 {
			fmt.Fprintf(w, "  tools\t%s (checked before run)\t%s\n", toolList(s), s.ToolCheck.Origin)
		}
		for i, c := range s.Commands {
			label := "  run"
			if i > 0 {
				label = "  "
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", label, iostreams.OneLine(c), s.CommandsOrigin)
		}
		if len(s.Args) > 0 {
			fmt.Fprintf(w, "  args\t%s\t%s\n", shell.Join(s.Args), plan.OriginArgs)
		}
		fmt.Fprintf(w, "  workdir\t%s\t%s\n", s.Workdir.Value, s.Workdir.Origin)
		user := s.User.Value
		if user == "" {
			user = "(image default)"
		}
		fmt.Fprintf(w, "  user\t%s\t%s\n", user, s.User.Origin)
		for _, m := range s.Mounts {
			mode := "rw"
			if m.ReadOnly {
				mode = "ro"
			}
			src := m.Source
			if src == "" {
				src = "(not found)"
			}
			fmt.Fprintf(w, "  mount\t%s -> %s (bind, %s)\t%s\n", src, m.Target, mode, m.Origin)
		}
		fmt.Fprintf(w, "  mount\ttmpfs -> %s (HOME)\t%s\n", plan.HomeDir, plan.OriginGazr)
		for _, c := range s.Caches {
			fmt.Fprintf(w, "  cache\t%s -> %s\t%s\n", c.Volume, c.Target, c.Origin)
		}
		if len(s.Services.Values) > 0 {
			fmt.Fprintf(w, "  services\t%s (network %s)\t%s\n", strings.Join(s.Services.Values, ", "), sidecar.NetworkName(pl.Project), s.Services.Origin)
		}
		for _, e := range s.Env {
			fmt.Fprintf(w, "  env\t%s=%s\t%s\n", e.Name, e.Value, e.Origin)
		}
		for _, d := range s.Deps {
			fmt.Fprintf(w, "  after\t%s\t%s\n", d.Value, d.Origin)
		}
		if len(s.Sources.Values) > 0 {
			fmt.Fprintf(w, "  sources\t%s\t%s\n", strings.Join(s.Sources.Values, " "), s.Sources.Origin)
		}
		if len(s.Generates.Values) > 0 {
			fmt.Fprintf(w, "  generates\t%s\t%s\n", strings.Join(s.Generates.Values, " "), s.Generates.Origin)
		}
		if s.Warm > 0 {
			fmt.Fprintf(w, "  warm\tkept %s after a run, runs exec in it\t%s\n", plan.Short(s.Warm), s.WarmOrigin)
		}
	}
	return w.Flush()
}

// toolList names a step's tools, each with its pinned version when it
// has one (its <NAME>_VERSION in the step's env, maybe the project's).
func toolList(s *plan.Step) string {
	out := make([]string, len(s.Tools))
	for i, name := range s.Tools {
		out[i] = name
		for _, e := range s.Env {
			if e.Name == convention.VersionEnv(name) {
				out[i] += " " + e.Value
			}
		}
	}
	return strings.Join(out, ", ")
}

func conventionName(pl *plan.Plan) string {
	if pl.Convention == nil {
		return "none"
	}
	if pl.Convention.Base != "" {
		return pl.Convention.Name + " (with " + pl.Convention.Base + ")"
	}
	return pl.Convention.Name
}

func conventionOrigin(pl *plan.Plan) string {
	switch {
	case pl.Convention == nil:
		return ""
	case pl.Convention.DetectedBy != "":
		return "detected: " + pl.Convention.DetectedBy
	default:
		return config.FileName
	}
}
