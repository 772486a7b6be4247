package deploy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// FailEarlyAfter is how many tasks of a new service may fail before the
// deploy stops waiting: swarm would restart them until the timeout, and
// the reason is known by then.
const FailEarlyAfter = 3

// TasksFailingError says a new service's tasks keep failing: swarm has no
// previous version to roll back to, so it would retry until the timeout.
type TasksFailingError struct {
	Service    string
	Failed     int
	TaskErrors []string
	// Logs are the service's last log lines.
	Logs []string
}

func (e *TasksFailingError) Error() string {
	msg := fmt.Sprintf("service %s: %d tasks of the new version failed, stopped waiting", e.Service, e.Failed)
	if len(e.TaskErrors) > 0 {
		msg += ": " + strings.Join(e.TaskErrors, "; ")
	}
	if len(e.Logs) > 0 {
		msg += "; last log lines: " + strings.Join(e.Logs, " | ")
	}
	return msg + "; see gazr logs, fix it and deploy again"
}

// failedTasks counts the tasks that ran image and failed.
func failedTasks(tasks []swarm.Task, image string) int {
	n := 0
	for _, t := range tasks {
		s := t.Status.State
		if (s == swarm.TaskStateFailed || s == swarm.TaskStateRejected) && sameImage(t.Spec.ContainerSpec, image) {
			n++
		}
	}
	return n
}

// failEarly returns a *TasksFailingError when FailEarlyAfter tasks of a
// service this deploy created have failed. Updated services are left to
// swarm's update monitor, which rolls them back.
func failEarly(ctx context.Context, api SwarmAPI, t Target) error {
	if !t.Created {
		return nil
	}
	res, err := api.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", t.ID)})
	if err != nil {
		return fmt.Errorf("service %s: tasks: %w", t.Name, err)
	}
	n := failedTasks(res.Items, t.Image)
	if n < FailEarlyAfter {
		return nil
	}
	return &TasksFailingError{Service: t.Name, Failed: n, TaskErrors: taskErrors(ctx, api, t), Logs: lastLogs(ctx, api, t.ID, 5)}
}

// lastLogs returns a service's last n log lines (best effort).
func lastLogs(ctx context.Context, api SwarmAPI, id string, n int) []string {
	rc, err := api.ServiceLogs(ctx, id, client.ServiceLogsOptions{ShowStdout: true, ShowStderr: true, Tail: fmt.Sprint(n)})
	if err != nil {
		return nil
	}
	defer rc.Close()
	pr, pw := io.Pipe()
	go func() { _, err := stdcopy.StdCopy(pw, pw, rc); pw.CloseWithError(err) }()
	var lines []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	pr.Close()
	return lines[max(0, len(lines)-n):]
}
