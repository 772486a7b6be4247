package deploy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

func TestFailedTasks(t *testing.T) {
	task := func(img string, state swarm.TaskState) swarm.Task {
		return swarm.Task{Spec: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: img}}, Status: swarm.TaskStatus{State: state}}
	}
	const img = "shop/web:v2"
	tests := []struct {
		name  string
		tasks []swarm.Task
		want  int
	}{
		{name: "none"},
		{name: "running", tasks: []swarm.Task{task(img, swarm.TaskStateRunning), task(img, swarm.TaskStateStarting)}},
		{name: "failed and rejected", want: 2, tasks: []swarm.Task{task(img, swarm.TaskStateFailed), task(img, swarm.TaskStateRejected), task(img, swarm.TaskStateRunning)}},
		{name: "pinned digest is the same image", want: 1, tasks: []swarm.Task{task(img+"@sha256:abc", swarm.TaskStateFailed)}},
		{name: "another version's failures", tasks: []swarm.Task{task("shop/web:v1", swarm.TaskStateFailed)}},
		{name: "no container spec", tasks: []swarm.Task{{Status: swarm.TaskStatus{State: swarm.TaskStateFailed}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failedTasks(tt.tasks, img); got != tt.want {
				t.Errorf("failedTasks() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTasksFailingErrorSaysWhy(t *testing.T) {
	err := &TasksFailingError{Service: "shop_web", Failed: 3,
		TaskErrors: []string{"health check failed (exit 1): unhealthy: /health answered 503"}, Logs: []string{"listening on :8080", "db: connection refused"}}
	for _, want := range []string{"shop_web", "3 tasks", "/health answered 503", "db: connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

// unhealthyTasks answers TaskList with its tasks and ContainerInspect with
// the health log of the containers it knows.
type unhealthyTasks struct {
	SwarmAPI
	tasks  []swarm.Task
	health map[string][]*container.HealthcheckResult
}

func (f *unhealthyTasks) TaskList(context.Context, client.TaskListOptions) (client.TaskListResult, error) {
	return client.TaskListResult{Items: f.tasks}, nil
}

func (f *unhealthyTasks) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	log, ok := f.health[id]
	if !ok {
		return client.ContainerInspectResult{}, errors.New("no such container: " + id)
	}
	return client.ContainerInspectResult{Container: container.InspectResponse{State: &container.State{Health: &container.Health{Log: log}}}}, nil
}

// A task swarm stopped for being unhealthy carries only "unhealthy
// container" in its status: the error says the probe's own failure (CI
// once saw the message without it, when no running task had probed yet).
func TestTaskErrorsSayTheFailingProbe(t *testing.T) {
	const img = "shop/web:v2"
	now := time.Now()
	task := func(id, err string, age time.Duration) swarm.Task {
		return swarm.Task{Spec: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: img}},
			Status: swarm.TaskStatus{State: swarm.TaskStateFailed, Err: err, Timestamp: now.Add(-age),
				ContainerStatus: &swarm.ContainerStatus{ContainerID: id}}}
	}
	const unhealthy = "task: non-zero exit (137): dockerexec: unhealthy container"
	api := &unhealthyTasks{
		tasks: []swarm.Task{
			task("c1", unhealthy, 3*time.Second),
			task("c2", unhealthy, 2*time.Second),
			task("gone", unhealthy, time.Second),
			task("c3", "task: non-zero exit (2)", 0),
		},
		health: map[string][]*container.HealthcheckResult{
			"c1": {{ExitCode: 1, Output: "not ready\n"}},
			"c2": {{ExitCode: 0, Output: "ok"}, {ExitCode: -1, Output: "Health check exceeded timeout (1s)"}, {ExitCode: 0}},
			"c3": {{ExitCode: 1, Output: "never said"}},
		},
	}
	got := taskErrors(context.Background(), api, Target{ID: "s1", Image: img})
	want := []string{
		"task: non-zero exit (2)",
		unhealthy, // its container is gone: what swarm said
		"health check failed (exit -1): Health check exceeded timeout (1s)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("taskErrors() =\n %q\nwant\n %q", got, want)
	}
}

func TestHealthFailurePrefersAnAnswerToATimeout(t *testing.T) {
	const timeout = "Health check exceeded timeout (1s)"
	api := &unhealthyTasks{health: map[string][]*container.HealthcheckResult{
		"answered": {{ExitCode: 1, Output: "unhealthy: /health answered 503\n"}, {ExitCode: -1, Output: timeout}, {ExitCode: 0}},
		"timedout": {{ExitCode: 0}, {ExitCode: -1, Output: timeout}},
		"healthy":  {{ExitCode: 0}},
		// The last probe was killed as swarm stopped the container (a CI
		// run printed "health check failed (exit 137): " and no reason).
		"killed":      {{ExitCode: 1, Output: "unhealthy: /health answered 503\n"}, {ExitCode: 1, Output: "unhealthy: /health answered 503\n"}, {ExitCode: 137}},
		"killed only": {{ExitCode: 0}, {ExitCode: 137}},
	}}
	for id, want := range map[string]string{
		"answered":    "health check failed (exit 1): unhealthy: /health answered 503",
		"killed":      "health check failed (exit 1): unhealthy: /health answered 503",
		"killed only": "health check failed (exit 137)",
		"timedout":    "health check failed (exit -1): " + timeout,
		"healthy":     "",
	} {
		task := swarm.Task{Status: swarm.TaskStatus{ContainerStatus: &swarm.ContainerStatus{ContainerID: id}}}
		if got := healthFailure(context.Background(), api, task); got != want {
			t.Errorf("healthFailure(%s) = %q, want %q", id, got, want)
		}
	}
}
