package app

import (
	"context"
	"fmt"
	"io"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/onboard"
	"github.com/gazr-io/gazr/pkg/plan"
)

// DoctorOptions are the inputs of `gazr doctor`.
type DoctorOptions struct {
	IO      *iostreams.IOStreams
	Project func() (*Project, error)
	// Engine returns a client of the engine without contacting it: the
	// doctor reports an engine that does not answer as a failed check.
	Engine func() (doctor.API, error)
	// Compose loads the project's compose file for development; nil
	// project and nil error when it has none.
	Compose func(context.Context, *Project) (*types.Project, error)
	// Target loads an env and its backend, for --env.
	Target func(env string, initSwarm swarmInit) (*Target, error)
	// Env, when set, adds the checks of that env's backend.
	Env string
	// JSON prints a doctor.Report instead of one line per check.
	JSON bool
}

func newCmdDoctor(f *Factory) *cli.Command {
	opts := &DoctorOptions{IO: f.IO, Project: f.LoadProject, Engine: newDoctorClient, Compose: devCompose, Target: f.LoadTarget}
	return &cli.Command{
		Name:      "doctor",
		Usage:     "check what working on this project needs: engine, disk, swarm, images, ports",
		UsageText: "gazr doctor [--env <name>] [--json]",
		Description: "One line per check (✔ ok, ! warning, ✘ failure, - not checked), with a fix under\n" +
			"each problem. Exits 1 when a check fails, 0 otherwise, with --json too.\n\n" +
			"Examples:\n" +
			"  $ gazr doctor\n" +
			"  $ gazr doctor --env staging          # and what deploying to staging needs\n" +
			"  $ gazr -C services/api doctor\n" +
			"  $ gazr doctor --json | jq -r '.checks[] | select(.status == \"fail\") | .fix'",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "env", Aliases: []string{"e"}, Usage: "also check what deploying to the environment `name` needs"},
			jsonFlag(),
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &UsageError{Err: fmt.Errorf("unexpected argument %q: gazr doctor takes none", cmd.Args().First())}
			}
			opts.Env, opts.JSON = cmd.String("env"), cmd.Bool("json")
			return runDoctor(ctx, opts)
		},
	}
}

func newDoctorClient() (doctor.API, error) {
	c, err := container.NewClient()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// runDoctor prints the checks' results to stdout and fails, with exit
// code 1, when one of them failed: a doctor's report is its result, so an
// unreachable engine is a failed check here, not exit 125.
func runDoctor(ctx context.Context, opts *DoctorOptions) error {
	if err := knownEnv(opts.Project, opts.Env); err != nil {
		return err
	}
	rs, needs := projectNeeds(ctx, opts.Project, opts.Compose)
	if api, err := opts.Engine(); err != nil {
		rs = append(rs, doctor.Result{Name: "engine", Status: doctor.Fail, Detail: err.Error(),
			Fix: "set DOCKER_HOST to the engine's address (e.g. unix:///var/run/docker.sock), or unset it"})
	} else {
		rs = append(rs, (&doctor.Doctor{API: api}).Run(ctx, needs)...)
	}
	if opts.Env != "" {
		rs = append(rs, envChecks(ctx, opts.Target, opts.Env)...)
	}
	if opts.JSON {
		r := doctor.NewReport(rs)
		r.FormatVersion = JSONFormatVersion
		if err := printJSON(opts.IO.Out, r); err != nil {
			return err
		}
	} else {
		reportChecks(opts.IO, rs)
	}
	if n := countFailed(rs); n > 0 {
		where := "the fixes above"
		if opts.JSON {
			where = "each failed check's fix"
		}
		return fmt.Errorf("%d of %d checks failed: apply %s, then run gazr doctor again", n, len(rs), where)
	}
	return nil
}

// knownEnv rejects an --env naming no environment as a command-line
// mistake (exit 2), before any check runs. A project that does not load is
// left to the project check, which reports it with its position.
func knownEnv(load func() (*Project, error), env string) error {
	if env == "" {
		return nil
	}
	p, err := load()
	if err != nil {
		return nil
	}
	if _, err := p.Config.Env(env); err != nil {
		return &UsageError{Err: fmt.Errorf("cannot check env: %w", err)}
	}
	return nil
}

// projectNeeds loads the project, its plans and its compose services, and
// reports the outcome as the first check: a broken .gazr.toml or compose
// file is something a newcomer must fix too.
func projectNeeds(ctx context.Context, load func() (*Project, error),
	compose func(context.Context, *Project) (*types.Project, error)) ([]doctor.Result, doctor.Needs) {
	fail := func(err error) ([]doctor.Result, doctor.Needs) {
		return []doctor.Result{{Name: "project", Status: doctor.Fail, Detail: err.Error(),
			Fix: "correct the file at the position shown, then run gazr doctor again"}}, doctor.Needs{}
	}
	p, err := load()
	if err != nil {
		return fail(err)
	}
	plans, err := onboard.Plans(p.Config, p.Convention, plan.Options{User: p.User, Version: p.Version})
	if err != nil {
		return fail(err)
	}
	proj, err := compose(ctx, p)
	if err != nil {
		return fail(err)
	}
	n := onboard.Collect(plans, proj)
	needs := doctor.Needs{Project: p.Config.Name, Ports: n.Ports}
	for _, img := range n.Images {
		needs.Images = append(needs.Images, img.Doctor())
	}
	return []doctor.Result{{Name: "project", Status: doctor.OK, Detail: describeProject(p, len(plans), proj)}}, needs
}

func describeProject(p *Project, verbs int, proj *types.Project) string {
	conv := "no convention"
	if c := p.Convention; c != nil {
		conv = "convention " + c.Name
		if c.DetectedBy != "" {
			conv += " (" + c.DetectedBy + ")"
		}
	}
	file := "no .gazr.toml"
	if p.Config.Path != "" {
		file = p.Config.Path
	}
	services := 0
	if proj != nil {
		services = len(proj.Services)
	}
	return fmt.Sprintf("%s, %s, %s: %d verbs, %d compose services", p.Config.Name, conv, file, verbs, services)
}

// reportChecks prints checks' results to stdout, coloured only when
// stdout is a terminal.
func reportChecks(io *iostreams.IOStreams, rs []doctor.Result) {
	cs := (&iostreams.IOStreams{Color: io.Color && io.StdoutTTY}).ColorScheme()
	printResults(io.Out, cs, rs)
}

// printResults writes one line per result, with a fix line under each
// problem.
func printResults(w io.Writer, cs iostreams.Scheme, rs []doctor.Result) {
	for _, r := range rs {
		fmt.Fprintf(w, "%s %s: %s\n", mark(cs, r.Status), r.Name, r.Detail)
		if r.Fix != "" && (r.Status == doctor.Warn || r.Status == doctor.Fail) {
			fmt.Fprintf(w, "    fix: %s\n", r.Fix)
		}
	}
}

func mark(cs iostreams.Scheme, s doctor.Status) string {
	switch s {
	case doctor.OK:
		return cs.Green("✔")
	case doctor.Warn:
		return cs.Yellow("!")
	case doctor.Fail:
		return cs.Red("✘")
	default:
		return cs.Gray("-")
	}
}

func countFailed(rs []doctor.Result) int {
	n := 0
	for _, r := range rs {
		if r.Status == doctor.Fail {
			n++
		}
	}
	return n
}
