package sidecar

import (
	"context"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	mcontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// serviceContainers lists the project's service containers, running or
// not: all of them, or those of service.
func (m *Manager) serviceContainers(ctx context.Context, service string) ([]mcontainer.Summary, error) {
	label := LabelService
	if service != "" {
		label += "=" + service
	}
	res, err := m.API.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(m.Project).Add("label", label)})
	if err != nil {
		return nil, fmt.Errorf("list the containers of project %s: %w", m.Project, err)
	}
	return res.Items, nil
}

// removeContainer removes a container. Graceful stops it first with its
// stop signal and grace period (a database flushes its data); otherwise
// it is killed. It waits until the container is gone.
func (m *Manager) removeContainer(ctx context.Context, id string, graceful bool) error {
	if graceful {
		if _, err := m.API.ContainerStop(ctx, id, client.ContainerStopOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("stop container %s: %w", short(id), err)
		}
	}
	wait := m.API.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: mcontainer.WaitConditionRemoved})
	_, err := m.API.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	switch {
	case err == nil:
	case cerrdefs.IsNotFound(err):
		return nil
	case strings.Contains(err.Error(), "already in progress"):
	default:
		return fmt.Errorf("remove container %s: %w", short(id), err)
	}
	select {
	case <-wait.Result:
	case <-wait.Error:
	case <-time.After(10 * time.Second):
	}
	return nil
}

// createContext is a context for creating an object on the engine that a
// signal does not cancel: a create abandoned by the client may still
// complete on the engine, leaving an object gazr never learnt of. The
// caller checks ctx after the create, and removes what it created.
func createContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// cleanupContext is a context for removing what a cancelled operation
// left: the operation's own context may be done.
func cleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
