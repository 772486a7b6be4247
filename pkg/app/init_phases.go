package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/onboard"
	"github.com/gazr-io/gazr/pkg/plan"
)

// initReport prints one line per phase of gazr init — ✔ when the phase
// changed something, • when it found everything in place — on stderr, or
// on a dry run what it would do on stdout, and remembers what changed.
type initReport struct {
	io      *iostreams.IOStreams
	dry     bool
	changed []string
}

func (r *initReport) done(phase, format string, args ...any) {
	r.changed = append(r.changed, phase)
	fmt.Fprintf(r.io.ErrOut, "%s %s: %s\n", r.io.ColorScheme().Green("✔"), phase, fmt.Sprintf(format, args...))
}

func (r *initReport) same(phase, format string, args ...any) {
	w := r.io.ErrOut
	if r.dry {
		w = r.io.Out
	}
	fmt.Fprintf(w, "%s %s: %s\n", r.io.ColorScheme().Gray("•"), phase, fmt.Sprintf(format, args...))
}

// would prints what a dry run would change.
func (r *initReport) would(phase, format string, args ...any) {
	fmt.Fprintf(r.io.Out, "%s %s: would %s\n", r.io.ColorScheme().Cyan("▶"), phase, fmt.Sprintf(format, args...))
}

func (r *initReport) envFile(p *Project) error {
	res, err := onboard.CreateEnv(p.Config.Root, r.dry)
	switch {
	case err != nil:
		return err
	case res.Exists:
		r.same(".env", "exists, left as it is")
	case res.From == "":
		r.same(".env", "none needed (no %s)", strings.Join(onboard.EnvSources, " or "))
	case r.dry:
		r.would(".env", "create it from %s", res.From)
	default:
		r.done(".env", "created from %s (mode 0600 at most: edit it, gazr init never overwrites it)", res.From)
	}
	return nil
}

// doctor runs the checks of gazr doctor that init does not repair itself
// (images are the next phase's): warnings are shown and passed, failures
// stop init.
func (r *initReport) doctor(ctx context.Context, api InitAPI, p *Project, n onboard.Needs) error {
	rs := (&doctor.Doctor{API: api}).Run(ctx, doctor.Needs{Project: p.Config.Name, Ports: n.Ports})
	var problems []doctor.Result
	var passed []string
	for _, res := range rs {
		if res.Status == doctor.Warn || res.Status == doctor.Fail {
			problems = append(problems, res)
		} else {
			passed = append(passed, res.Name)
		}
	}
	if len(problems) == 0 {
		r.same("doctor", "%s: ok", strings.Join(passed, ", "))
		return nil
	}
	printResults(r.io.ErrOut, r.io.ColorScheme(), problems)
	if n := countFailed(problems); n > 0 {
		return fmt.Errorf("%d doctor checks failed: apply the fixes above, then run gazr init again", n)
	}
	return nil
}

func (r *initReport) images(ctx context.Context, api InitAPI, n onboard.Needs) error {
	if len(n.Images) == 0 {
		r.same("images", "none used")
		return nil
	}
	if r.dry {
		missing, err := onboard.Missing(ctx, api, n.Images)
		if err != nil {
			return err
		}
		for _, img := range missing {
			if img.Build != nil {
				r.would("images", "build %s from %s", img, img.Context)
			} else {
				r.would("images", "pull %s", img)
			}
		}
		r.same("images", "%d of %d present", len(n.Images)-len(missing), len(n.Images))
		return nil
	}
	got, err := onboard.EnsureImages(ctx, api, n.Images, r.io.ErrOut)
	if err != nil {
		return err
	}
	if !got.Changed() {
		r.same("images", "%d present (%s)", len(got.Present), strings.Join(got.Present, ", "))
		return nil
	}
	var what []string
	if len(got.Pulled) > 0 {
		what = append(what, "pulled "+strings.Join(got.Pulled, ", "))
	}
	if len(got.Built) > 0 {
		what = append(what, "built "+strings.Join(got.Built, ", "))
	}
	r.done("images", "%s; %d already present", strings.Join(what, "; "), len(got.Present))
	return nil
}

func (r *initReport) caches(ctx context.Context, api InitAPI, p *Project, n onboard.Needs) error {
	if len(n.Caches) == 0 {
		r.same("caches", "none used")
		return nil
	}
	var (
		missing []plan.Cache
		err     error
	)
	if r.dry {
		missing, err = container.MissingCaches(ctx, api, n.Caches)
	} else {
		run := &container.Runner{API: api, Project: p.Config.Name, Stdout: r.io.ErrOut, Stderr: r.io.ErrOut}
		missing, err = run.EnsureCaches(ctx, &plan.Step{Verb: "init", Image: n.CacheImage, Caches: n.Caches})
	}
	if err != nil {
		return err
	}
	switch {
	case len(missing) == 0:
		r.same("caches", "%s present", volumes(n.Caches))
	case r.dry:
		r.would("caches", "create %s", volumes(missing))
	default:
		r.done("caches", "created %s", volumes(missing))
	}
	return nil
}

func volumes(cs []plan.Cache) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Volume
	}
	return strings.Join(names, ", ")
}

func (r *initReport) services(ctx context.Context, start ServicesFunc, p *Project, n onboard.Needs) error {
	switch {
	case len(n.Services) == 0:
		r.same("services", "none listed by the verbs")
		return nil
	case r.dry:
		r.would("services", "start %s (or keep them if running and unchanged)", strings.Join(n.Services, ", "))
		return nil
	}
	changed, err := start(ctx, p, n.Services)
	if err != nil {
		return err
	}
	if changed {
		r.done("services", "started %s, healthy", strings.Join(n.Services, ", "))
	} else {
		r.same("services", "%s running, unchanged", strings.Join(n.Services, ", "))
	}
	return nil
}

// initStep runs the project's own init verb as a normal step.
func (r *initReport) initStep(ctx context.Context, opts *VerbOptions, p *Project) error {
	if !plan.Defined(p.Config, p.Convention, "init") {
		r.same("init", "the project defines no init step (add [verbs.init] with run to .gazr.toml for seed data or migrations)")
		return nil
	}
	return runVerb(ctx, opts)
}

func (r *initReport) summary(took time.Duration) {
	took = took.Round(time.Millisecond)
	switch {
	case r.dry:
		fmt.Fprintf(r.io.Out, "gazr init --dry-run: nothing was changed\n")
	case len(r.changed) == 0:
		r.same("gazr init", "nothing changed, the project is ready (%s)", took)
	default:
		fmt.Fprintf(r.io.ErrOut, "%s gazr init: ready in %s (changed: %s)\n", r.io.ColorScheme().Green("✔"), took, strings.Join(r.changed, ", "))
	}
}
