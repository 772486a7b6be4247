package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/onboard"
	"github.com/gazr-io/gazr/pkg/plan"
)

// InitAPI is the engine API gazr init uses: the doctor's checks, images,
// cache volumes and the init step.
type InitAPI interface {
	doctor.API
	onboard.ImageAPI
	container.StepAPI
}

// ServicesFunc starts the named compose services of p, healthy, and
// reports whether it had to start or recreate any.
type ServicesFunc func(ctx context.Context, p *Project, names []string) (changed bool, err error)

// InitOptions are the inputs of `gazr init`.
type InitOptions struct {
	IO *iostreams.IOStreams
	// Dir is where gazr runs (-C), for --write-config.
	Dir     func() string
	Project func() (*Project, error)
	// Engine connects to the engine (an unreachable one is an
	// *container.EngineError: exit 125).
	Engine   func(context.Context) (InitAPI, error)
	Compose  func(context.Context, *Project) (*types.Project, error)
	Services ServicesFunc
	// Step runs the project's own init verb as `gazr init-verb` would
	// (runVerb); its Verb is "init".
	Step *VerbOptions

	DryRun, WriteConfig, WriteMakefile bool
}

func newCmdInit(f *Factory) *cli.Command {
	opts := &InitOptions{
		IO: f.IO, Dir: func() string { return f.Dir }, Project: f.LoadProject,
		Engine: func(ctx context.Context) (InitAPI, error) {
			c, err := f.client(ctx)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
		Compose:  devCompose,
		Services: sidecarServices(f),
		Step:     f.verbOptions("init"),
	}
	return &cli.Command{
		Name:      "init",
		Usage:     verbUsage["init"],
		UsageText: "gazr init [--dry-run] [--write-config | --write-makefile] [-- <args>...]",
		Category:  "verbs",
		Description: "Runs, each phase saying what it changed (✔) or found in place (•):\n" +
			"  .env      created from .env.example or .env.dist when missing, never overwritten\n" +
			"  doctor    the engine, disk, swarm and ports checks of gazr doctor\n" +
			"  images    pulls, or builds from sources, the missing images of the verbs and services\n" +
			"  caches    creates the convention's cache volumes\n" +
			"  services  starts the compose services the verbs list, healthy\n" +
			"  init      the project's own init verb ([verbs.init] or the convention's), args after --\n" +
			"A second run changes nothing. --write-config writes a commented .gazr.toml from the\n" +
			"detected convention instead (never over an existing one); --write-makefile a Makefile\n" +
			"whose targets call gazr, so that make test keeps working (never over an existing one).\n\n" +
			"Examples:\n" +
			"  $ gazr init\n" +
			"  $ gazr init --dry-run\n" +
			"  $ gazr init --write-config\n" +
			"  $ gazr init --write-makefile --dry-run",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print what init would do and change nothing"},
			&cli.BoolFlag{Name: "write-config", Usage: "write .gazr.toml from the detected convention, commented, and stop"},
			&cli.BoolFlag{Name: "write-makefile", Usage: "write a Makefile whose targets call gazr (make test runs gazr test), and stop"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return &UsageError{Err: fmt.Errorf("unexpected argument %q: pass arguments to the init step after --, e.g. gazr init -- %s",
					cmd.Args().First(), strings.Join(cmd.Args().Slice(), " "))}
			}
			opts.DryRun, opts.WriteConfig, opts.WriteMakefile = cmd.Bool("dry-run"), cmd.Bool("write-config"), cmd.Bool("write-makefile")
			if opts.WriteConfig && opts.WriteMakefile {
				return &UsageError{Err: fmt.Errorf("--write-config and --write-makefile write one file each: run gazr init once with each")}
			}
			opts.Step.Args, opts.Step.DryRun = f.ExtraArgs, opts.DryRun
			return runInit(ctx, opts)
		},
	}
}

// runInit sets the project up, one phase after the other. .env comes
// first: the compose file's interpolation and the services read it.
func runInit(ctx context.Context, opts *InitOptions) error {
	if opts.WriteConfig {
		return runWriteConfig(opts)
	}
	if opts.WriteMakefile {
		return runWriteMakefile(opts)
	}
	start := time.Now()
	p, err := opts.Project()
	if err != nil {
		return err
	}
	r := &initReport{io: opts.IO, dry: opts.DryRun}
	if err := r.envFile(p); err != nil {
		return err
	}
	needs, err := initNeeds(ctx, opts, p)
	if err != nil {
		return err
	}
	api, err := opts.Engine(ctx)
	if err != nil {
		return err
	}
	if err := r.doctor(ctx, api, p, needs); err != nil {
		return err
	}
	if err := r.images(ctx, api, needs); err != nil {
		return err
	}
	if err := r.caches(ctx, api, p, needs); err != nil {
		return err
	}
	if err := r.services(ctx, opts.Services, p, needs); err != nil {
		return err
	}
	if err := r.initStep(ctx, opts.Step, p); err != nil {
		return err
	}
	r.summary(time.Since(start))
	return nil
}

func initNeeds(ctx context.Context, opts *InitOptions, p *Project) (onboard.Needs, error) {
	plans, err := onboard.Plans(p.Config, p.Convention, plan.Options{User: p.User, Version: p.Version})
	if err != nil {
		return onboard.Needs{}, err
	}
	proj, err := opts.Compose(ctx, p)
	if err != nil {
		return onboard.Needs{}, err
	}
	return onboard.Collect(plans, proj), nil
}

// runWriteConfig writes .gazr.toml from the detected convention (or, on a
// dry run, prints it).
func runWriteConfig(opts *InitOptions) error {
	if err := onboard.ExistingConfig(opts.Dir()); err != nil {
		return err
	}
	p, err := opts.Project()
	if err != nil {
		return err
	}
	data, err := onboard.RenderConfig(p.Convention, onboard.ConfigOptions{Name: p.Config.Name, User: p.User})
	if err != nil {
		return err
	}
	if opts.DryRun {
		_, err := opts.IO.Out.Write(data)
		return err
	}
	path, err := onboard.WriteConfig(p.Config.Root, data)
	if err != nil {
		return err
	}
	from := "no convention applies here: a commented skeleton"
	if c := p.Convention; c != nil {
		from = fmt.Sprintf("convention %s, detected by %s", c.Name, c.DetectedBy)
	}
	fmt.Fprintf(opts.IO.Out, "wrote %s (%s): edit it, check it with gazr list, then run gazr init\n", path, from)
	return nil
}
