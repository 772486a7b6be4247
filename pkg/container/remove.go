package container

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// stop signals a cancelled step, gives it StopTimeout to exit, then lets
// remove force it.
func (r *Runner) stop(id string) {
	timeout := r.StopTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, _ = r.API.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "SIGTERM"})
	wait := r.API.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case <-wait.Result:
	case <-wait.Error:
	}
}

// remove force-removes a container (by ID or name) and waits until it is
// gone, so that nothing is left when gazr exits, even when the engine was
// already auto-removing it. It reports false, after a warning, when the
// container may be left.
func (r *Runner) remove(id string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wait := r.API.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionRemoved})
	_, err := r.API.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !isNotFound(err) && !isRemovalInProgress(err) {
		fmt.Fprintf(r.Stderr, "gazr: warning: could not remove container %s (docker rm -f %s): %v\n", shortID(id), shortID(id), err)
		return false
	}
	select {
	case <-wait.Result:
	case <-wait.Error:
	}
	return true
}

// shortID is a container's ID as the docker CLI shows it; a name as is.
func shortID(id string) string {
	if len(id) == 64 {
		return id[:12]
	}
	return id
}
