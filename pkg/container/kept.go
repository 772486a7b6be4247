package container

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/plan"
)

// LabelKept marks a warm container that outlives the gazr that made it
// (verbs.<verb>.warm): its value is how long it is kept after a run.
// Reap leaves it alone (it has no owner labels); gazr stop and gazr
// destroy remove it.
const LabelKept = "io.gazr.warm.kept"

// keptUsed is the file a run touches as it ends, in the container's own
// /tmp, so that the keeper counts the idle time from there.
const keptUsed = "/tmp/.gazr-warm-used"

// keptKeeper is a kept container's main process (PID 1): every idle
// seconds it looks at the container's processes; when none but itself
// is left (zombies aside) and no run ended since the last look, it exits
// and the engine removes the container (AutoRemove). A run in progress
// keeps it, however long the run.
func keptKeeper(idle int) []string {
	return []string{"sh", "-c", `trap 'exit 0' TERM INT
t=$1
while :; do
	sleep "$t" & wait $!
	busy=
	for p in /proc/[0-9]*; do
		[ "$p" = /proc/1 ] && continue
		read -r _ _ st _ < "$p/stat" 2>/dev/null || continue
		[ "$st" = Z ] || busy=1
	done
	if [ -z "$busy" ] && [ ! -e ` + keptUsed + ` ]; then exit 0; fi
	rm -f ` + keptUsed + `
done`, "gazr-warm", strconv.Itoa(idle)}
}

// keptAfter runs the step's command ("$@") as cleanAfter does, and marks
// the container used as the run ends.
var keptAfter = []string{"sh", "-c", `"$@"; c=$?; : > ` + keptUsed + ` 2>/dev/null; kill -9 -1 2>/dev/null; exit $c`, "gazr-warm"}

// KeptAPI is what kept warm runs need beyond ExecAPI: a kept container's
// running execs, the runs going on in it.
type KeptAPI interface {
	ExecAPI
	ContainerInspect(ctx context.Context, container string, options client.ContainerInspectOptions) (client.ContainerInspectResult, error)
}

// RunKept runs step s in its kept warm container (s.Warm is set): the
// container of the same plan if one is running, else a new one, which
// stays running for s.Warm after the run. Runs of the same verb from two
// gazr at once cannot share it (a run ends by killing what it left
// running): the second runs in a fresh container, as Run would. lockDir
// holds the lock files that say so. Errors and the exit code are as Run's.
func (r *Runner) RunKept(ctx context.Context, api KeptAPI, s *plan.Step, lockDir string) error {
	cfg, hc := r.config(s), hostConfig(s)
	// No owner labels: the container outlives this gazr, and Reap removes
	// the containers of a gazr that is gone. No TTY or stdin either: those
	// are each run's exec's.
	cfg.Labels = map[string]string{LabelManaged: "true", LabelProject: r.Project, LabelVerb: s.Verb,
		LabelKept: plan.Short(s.Warm)}
	cfg.Tty, cfg.OpenStdin, cfg.StdinOnce, cfg.AttachStdin = false, false, false, false
	keeper := keptKeeper(int(math.Ceil(s.Warm.Seconds())))
	cfg.Entrypoint, cfg.Cmd = keeper[:2], keeper[2:]
	// The keeper is PID 1, so that a run's kill -1 spares it; the engine
	// removes the container when the keeper exits.
	hc.AutoRemove, hc.Init = true, nil
	hash := planHash(cfg, hc)
	cfg.Labels[LabelWarm] = hash
	name := fmt.Sprintf("gazr-%s-%s-warm-%s", r.Project, nameSafe(s.Verb), hash)

	unlock, err := lockKept(filepath.Join(lockDir, name+".lock"))
	if err != nil {
		if !errors.Is(err, errKeptBusy) {
			fmt.Fprintf(r.Stderr, "gazr: warning: %s: no warm run (%v); it runs in a fresh container\n", s.Verb, err)
			return r.Run(ctx, s)
		}
		return r.runBusy(ctx, s)
	}
	defer unlock()

	cmd := append(slices.Clone(keptAfter), s.Cmd()...)
	for attempt := 0; ; attempt++ {
		id, err := r.keptContainer(ctx, api, s, name, hash, cfg, hc)
		if errors.Is(err, errKeptBusy) {
			return r.runBusy(ctx, s)
		}
		if err != nil {
			return err
		}
		code, err := execIn(ctx, api, r, id, s, cmd)
		switch {
		case err != nil && ctx.Err() != nil:
			// An exec cannot be signalled: its container goes, with it.
			r.remove(id)
			return ctx.Err()
		case err != nil && attempt == 0:
			// Its keeper may have ended just before the exec (idle): a
			// new container, once.
			r.remove(id)
			continue
		case err != nil:
			return fmt.Errorf("step %s: exec in its warm container: %w", s.Verb, err)
		case code != 0:
			return &ExitError{Verb: s.Verb, Code: code}
		}
		return nil
	}
}

// runBusy runs s in a fresh container, its warm one being busy.
func (r *Runner) runBusy(ctx context.Context, s *plan.Step) error {
	fmt.Fprintf(r.Stderr, "gazr: %s: its warm container is busy with another gazr's run; this one runs in a fresh container\n", s.Verb)
	return r.Run(ctx, s)
}

// keptContainer returns the running container called name, made for
// this plan (hash) from the image s.Image names now, creating it when
// there is none. The verb's other kept containers are removed: a changed
// image (a tag rebuilt or pulled too), env, user, mounts or caches gets a
// new one. A container with a run going on (an exec) is never removed:
// the run may be another gazr's, with another plan or lock directory, or
// one that goes on after its gazr was killed, whose end would kill what
// runs beside it; errKeptBusy when it is the one called name.
func (r *Runner) keptContainer(ctx context.Context, api KeptAPI, s *plan.Step, name, hash string, cfg *container.Config, hc *container.HostConfig) (string, error) {
	filters := client.Filters{}.Add("label", LabelManaged+"=true").Add("label", LabelProject+"="+r.Project).
		Add("label", LabelVerb+"="+s.Verb).Add("label", LabelKept)
	list, err := api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		return "", fmt.Errorf("step %s: look for its warm container: %w", s.Verb, err)
	}
	imageID := ""
	if img, err := api.ImageInspect(ctx, s.Image.Value); err == nil {
		imageID = img.ID
	}
	found := ""
	for _, c := range list.Items {
		mine := slices.Contains(c.Names, "/"+name)
		running := string(c.State) == "running"
		if running && inRun(ctx, api, c.ID) {
			if mine {
				return "", errKeptBusy
			}
			continue // its keeper ends it once idle
		}
		if mine && running && c.Labels[LabelWarm] == hash && (imageID == "" || c.ImageID == imageID) {
			found = c.ID
			continue
		}
		r.remove(c.ID)
	}
	if found != "" {
		return found, nil
	}
	if _, err := r.EnsureCaches(ctx, s); err != nil {
		return "", err
	}
	id, err := r.createAs(ctx, s, name, cfg, hc)
	if err != nil {
		return "", err
	}
	if _, err := api.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		r.remove(id)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if strings.Contains(err.Error(), "executable file not found") {
			return "", fmt.Errorf("step %s: image %s has no sh, which warm runs need: remove warm from [verbs.%s] (%w)", s.Verb, s.Image.Value, s.Verb, err)
		}
		return "", fmt.Errorf("step %s: start its warm container: %w", s.Verb, err)
	}
	return id, nil
}

// RemoveKept removes the kept warm containers of project (gazr stop) and
// returns the verbs they were for.
func RemoveKept(ctx context.Context, api ReapAPI, project string) ([]string, error) {
	filters := client.Filters{}.Add("label", LabelManaged+"=true").Add("label", LabelProject+"="+project).Add("label", LabelKept)
	list, err := api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		return nil, fmt.Errorf("list the warm containers of project %s: %w", project, err)
	}
	var verbs []string
	var errs []error
	for _, c := range list.Items {
		_, err := api.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !isNotFound(err) && !isRemovalInProgress(err) {
			errs = append(errs, fmt.Errorf("remove warm container %s: %w", containerName(c.ID, c.Names), err))
			continue
		}
		verbs = append(verbs, c.Labels[LabelVerb])
	}
	slices.Sort(verbs)
	return slices.Compact(verbs), errors.Join(errs...)
}

// inRun reports whether a run is going on in container id: an exec is
// running in it (the engine lists only those).
func inRun(ctx context.Context, api KeptAPI, id string) bool {
	res, err := api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	return err == nil && len(res.Container.ExecIDs) > 0
}

var errKeptBusy = errors.New("busy")
