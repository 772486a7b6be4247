package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/fingerprint"
	"github.com/gazr-io/gazr/pkg/plan"
)

// check fingerprints a step that declares sources; a nil verdict means
// the step always runs (no sources, --force, or no fingerprint store).
func (r *stepRun) check(ctx context.Context, s *plan.Step) (*fingerprint.Store, fingerprint.Inputs, *fingerprint.Verdict) {
	if len(s.Sources.Values) == 0 {
		return nil, fingerprint.Inputs{}, nil
	}
	store := r.fingerprints()
	if store == nil {
		return nil, fingerprint.Inputs{}, nil
	}
	in := Inputs(ctx, r.api, r.pl, s)
	in.Prescan = r.prescans[s]
	v, err := store.Check(s.Verb, in)
	if err != nil {
		fmt.Fprintf(r.errOut, "gazr: warning: %s: cannot fingerprint its sources, running it: %v\n", s.Verb, err)
		return nil, in, nil
	}
	if v.NoSources {
		fmt.Fprintf(r.errOut, "gazr: warning: %s: sources %q match no file (%s); it is skipped whenever its settings are unchanged\n",
			s.Verb, s.Sources.Values, s.Sources.Origin)
	}
	if r.opts.Force {
		v.Skip, v.Reason = false, "--force"
	}
	return store, in, v
}

// Inspector is the part of the engine API fingerprints need: the image a
// step runs and the cache volumes it mounts.
type Inspector interface {
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	VolumeInspect(ctx context.Context, volumeID string, opts client.VolumeInspectOptions) (client.VolumeInspectResult, error)
}

// Inputs are what decides whether a step's work is unchanged.
// The image's ID is the engine's: a missing image has none, so the step
// runs (and pulls it). Each cache volume counts by its creation time: work
// whose output is a cache (go mod download) is redone in a new volume.
func Inputs(ctx context.Context, api Inspector, pl *plan.Plan, s *plan.Step) fingerprint.Inputs {
	// One round trip each, all at once: on a skipped verb they are what
	// the engine costs.
	id := ""
	created := make([]string, len(s.Caches))
	var wg sync.WaitGroup
	wg.Go(func() {
		if img, err := api.ImageInspect(ctx, s.Image.Value); err == nil {
			id = img.ID
		}
	})
	for i, c := range s.Caches {
		wg.Go(func() {
			created[i] = "missing"
			if v, err := api.VolumeInspect(ctx, c.Volume, client.VolumeInspectOptions{}); err == nil {
				created[i] = v.Volume.CreatedAt
			}
		})
	}
	wg.Wait()
	settings := s.Settings(id)
	for i, c := range s.Caches {
		settings["cache "+c.Name] = created[i]
	}
	return fingerprint.Inputs{Root: pl.Root, Sources: s.Sources.Values, Generates: s.Generates.Values, Settings: settings}
}

// prescan starts walking the sources of the steps that start first: those
// with no deps, when all of them start at once. Any other step's sources
// may be changed by a step before it, so they are walked when it starts.
func prescan(pl *plan.Plan, jobs int) map[*plan.Step]*fingerprint.Prescan {
	var roots []*plan.Step
	for _, s := range pl.Steps {
		if len(s.Deps) == 0 {
			roots = append(roots, s)
		}
	}
	if len(roots) > jobs {
		return nil
	}
	out := map[*plan.Step]*fingerprint.Prescan{}
	for _, s := range roots {
		if len(s.Sources.Values) > 0 {
			out[s] = fingerprint.StartPrescan(pl.Root, s.Sources.Values)
		}
	}
	return out
}

func (r *stepRun) fingerprints() *fingerprint.Store {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.storeResolved {
		r.storeResolved = true
		r.store, r.storeErr = fingerprint.Open(r.pl.Root)
		if r.storeErr != nil {
			fmt.Fprintf(r.errOut, "gazr: warning: %v; verbs with sources always run\n", r.storeErr)
		}
	}
	return r.store
}

// Ago renders how long ago t was, coarsely: "3s", "5m", "2h", "4d".
func Ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}
