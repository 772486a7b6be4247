package container

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"
)

// ReapAPI is the part of the engine API that Reap needs.
type ReapAPI interface {
	ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerRemove(ctx context.Context, container string, options client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
}

// reapTimeout bounds Reap, so that a slow engine delays a run only a
// little: what is not removed now is removed next time.
const reapTimeout = 30 * time.Second

// Reap removes the step containers of project that a gazr process left
// when it was killed (SIGKILL, a crash), running or not, and says so on
// out in one line. A container is reaped only when the gazr that created
// it ran on this host, in this PID namespace, and is gone (see the owner
// labels, LabelHost to LabelPIDStart): the steps of another gazr still
// running, on this machine or another, are never touched, nor are sidecar
// services. Failures are warnings on out: reaping never fails a run.
func Reap(ctx context.Context, api ReapAPI, project string, out io.Writer) {
	interrupted := ctx.Err
	ctx, cancel := context.WithTimeout(ctx, reapTimeout)
	defer cancel()
	me := self()
	filters := client.Filters{}.Add("label", LabelManaged+"=true").Add("label", LabelProject+"="+project).
		Add("label", LabelHost+"="+me.host).Add("label", LabelPID)
	list, err := api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		if interrupted() == nil { // an interrupted run has more to say
			fmt.Fprintf(out, "gazr: warning: cannot look for containers left by a killed gazr: %v\n", err)
		}
		return
	}
	var removed, failed []string
	for _, c := range list.Items {
		o := ownerOf(c.Labels)
		if !o.gone() {
			continue
		}
		name := containerName(c.ID, c.Names)
		_, err := api.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		switch {
		case err == nil, isNotFound(err), isRemovalInProgress(err):
			removed = append(removed, fmt.Sprintf("%s (pid %s)", name, o.pid))
		default:
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
		}
	}
	if len(removed) > 0 {
		slices.Sort(removed)
		fmt.Fprintf(out, "gazr: removed %s left by a gazr that is no longer running: %s\n",
			plural(len(removed), "container"), strings.Join(removed, ", "))
	}
	if len(failed) > 0 && interrupted() == nil {
		fmt.Fprintf(out, "gazr: warning: could not remove %s left by a gazr that is no longer running: %s\n",
			plural(len(failed), "container"), strings.Join(failed, "; "))
	}
}

// containerName is a container's name without the leading slash, else
// its short ID.
func containerName(id string, names []string) string {
	if len(names) > 0 {
		return strings.TrimPrefix(names[0], "/")
	}
	return id[:min(12, len(id))]
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
