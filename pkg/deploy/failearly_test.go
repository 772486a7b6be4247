package deploy

import (
	"strings"
	"testing"

	"github.com/moby/moby/api/types/swarm"
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
