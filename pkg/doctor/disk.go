package doctor

import (
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/swarm"
)

// Free-space thresholds on the engine's data root: below WarnFree the
// doctor warns (images and caches fill it quickly), below FailFree it
// fails (pulls and builds will).
const (
	WarnFree = 5 << 30
	FailFree = 1 << 30
)

// local reports whether the engine runs on this machine: over a local
// socket, under this machine's name (Docker Desktop's VM has its own).
func (d *Doctor) local(engineName string) bool {
	return d.socket() && engineName != "" && engineName == d.Hostname
}

// socket reports whether the engine is reached over a local socket, so
// that the ports it publishes are this machine's (Docker Desktop forwards
// them from its VM).
func (d *Doctor) socket() bool {
	host := d.API.DaemonHost()
	return strings.HasPrefix(host, "unix://") || strings.HasPrefix(host, "npipe://")
}

// disk checks the free space on the engine's data root, where images,
// containers, volumes and the build cache live.
func (d *Doctor) disk(root, engineName string, local bool) Result {
	r := Result{Name: "disk"}
	if root == "" {
		r.Status, r.Detail = Skipped, "not measured: the engine does not say where its data root is"
		return r
	}
	if !local {
		r.Status, r.Detail = Skipped, fmt.Sprintf("not measured: the engine runs on %q; check the free space of %s there", engineName, root)
		return r
	}
	free, total, err := d.Statfs(root)
	if err != nil {
		r.Status, r.Detail = Skipped, fmt.Sprintf("not measured: %v", err)
		return r
	}
	r.Detail = fmt.Sprintf("%s free of %s on %s (the engine's data root)", gib(free), gib(total), root)
	fix := "free space on the file system of " + root + ": `docker system prune` removes stopped containers, unused networks, dangling images and build cache"
	switch {
	case free < FailFree:
		r.Status, r.Fix = Fail, fix
	case free < WarnFree:
		r.Status, r.Fix = Warn, fix
	}
	return r
}

func gib(n uint64) string { return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30)) }

// swarmResult describes the engine's swarm state. No swarm is fine for
// development: only gazr deploy needs one, and initialises it.
func swarmResult(s swarm.Info) Result {
	r := Result{Name: "swarm", Status: OK}
	switch s.LocalNodeState {
	case swarm.LocalNodeStateInactive, "":
		r.Detail = "inactive (fine for development; gazr deploy initialises a single-node swarm)"
	case swarm.LocalNodeStateActive:
		role := "worker"
		if s.ControlAvailable {
			role = "manager"
		}
		r.Detail = fmt.Sprintf("active, this engine is a %s (%d nodes)", role, s.Nodes)
	case swarm.LocalNodeStateLocked:
		r.Status, r.Detail = Warn, "locked: gazr deploy cannot use it"
		r.Fix = "unlock it with `docker swarm unlock` and the unlock key"
	default:
		r.Status, r.Detail = Warn, fmt.Sprintf("%s: %s", s.LocalNodeState, s.Error)
		r.Fix = "gazr deploy needs a working swarm: leave it (`docker swarm leave --force`) and let gazr deploy initialise one, or repair the cluster"
	}
	return r
}
