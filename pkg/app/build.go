package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/urfave/cli/v3"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/image"
	"github.com/gazr-io/gazr/pkg/plan"
)

func newCmdBuild(f *Factory) *cli.Command {
	opts := f.verbOptions("build")
	return &cli.Command{
		Name:      "build",
		Usage:     verbUsage["build"],
		UsageText: "gazr build [--dry-run] [--force] [-j <n>] [-- <args>...]",
		Category:  "verbs",
		Flags:     verbFlags(),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if err := parseVerbFlags(cmd, f, opts); err != nil {
				return err
			}
			return runBuild(ctx, opts)
		},
	}
}

// runBuild is `gazr build`: the build verb's steps, if the project has
// any, then an image for every compose service with a build section,
// tagged <project>/<service>:<version> through the engine API (a deploy
// tags them with the env's registry too).
func runBuild(ctx context.Context, opts *VerbOptions) error {
	p, err := opts.Project()
	if err != nil {
		return err
	}
	pl, err := p.Plan(opts.Verb, opts.planOptions())
	var undef *plan.NotDefinedError
	if err != nil && !errors.As(err, &undef) {
		return err
	}
	proj, cerr := loadCompose(ctx, p)
	if cerr != nil {
		return cerr
	}
	if pl == nil && (proj == nil || !deploy.HasBuild(proj)) {
		return err
	}
	if pl != nil {
		if opts.DryRun {
			if err := printPlan(opts.IO, pl); err != nil {
				return err
			}
		} else if err := runPlan(ctx, opts, p, pl); err != nil {
			return err
		}
	}
	if proj == nil || !deploy.HasBuild(proj) {
		return nil
	}
	return buildComposeImages(ctx, opts, p, proj)
}

func loadCompose(ctx context.Context, p *Project) (*types.Project, error) {
	path, err := compose.Find(p.Config.Root)
	if err != nil || path == "" {
		return nil, err
	}
	return compose.Load(ctx, composeOptions(compose.Build, p.Config.Root, p.Config.Name))
}

func buildComposeImages(ctx context.Context, opts *VerbOptions, p *Project, proj *types.Project) error {
	info, err := image.Version(ctx, p.Config.Root)
	if err != nil {
		return err
	}
	refs, err := deploy.ImageRefs(proj, "", p.Config.Name, info.Version)
	if err != nil {
		return err
	}
	if opts.DryRun {
		for _, name := range slices.Sorted(maps.Keys(refs)) {
			if proj.Services[name].Build != nil {
				fmt.Fprintf(opts.IO.Out, "image %s -> %s\n", name, refs[name])
			}
		}
		return nil
	}
	api, err := opts.Builder(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := deploy.BuildImages(ctx, api, proj, refs, info, opts.IO.ErrOut); err != nil {
		return err
	}
	cs := opts.IO.ColorScheme()
	fmt.Fprintf(opts.IO.ErrOut, "%s images built in %s (version %s)\n", cs.Green("✔"), time.Since(start).Round(time.Millisecond), info.Version)
	return nil
}
