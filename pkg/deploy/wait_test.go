package deploy

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// fakeRollout models a service right after gazr updated it: the service
// already has its new spec, and its tasks are those of successive polls
// (the last list repeats), as swarm replaces them at its own pace.
type fakeRollout struct {
	SwarmAPI // nil: Wait must call nothing else
	mu       sync.Mutex
	svc      swarm.Service
	polls    [][]swarm.Task
	listed   int
}

func (f *fakeRollout) ServiceInspect(context.Context, string, client.ServiceInspectOptions) (client.ServiceInspectResult, error) {
	return client.ServiceInspectResult{Service: f.svc}, nil
}

func (f *fakeRollout) TaskList(context.Context, client.TaskListOptions) (client.TaskListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tasks := f.polls[min(f.listed, len(f.polls)-1)]
	f.listed++
	return client.TaskListResult{Items: tasks}, nil
}

func template(env ...string) swarm.TaskSpec {
	return swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: "web:v1@sha256:abc", Env: env}}
}

func running(spec swarm.TaskSpec, created time.Time) swarm.Task {
	return swarm.Task{Meta: swarm.Meta{CreatedAt: created}, Spec: spec,
		Status: swarm.TaskStatus{State: swarm.TaskStateRunning}, DesiredState: swarm.TaskStateRunning}
}

func service(prev, next swarm.TaskSpec, replicas uint64) swarm.Service {
	mode := swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &replicas}}
	return swarm.Service{ID: "s1",
		Spec:         swarm.ServiceSpec{Annotations: swarm.Annotations{Name: "shop_web"}, Mode: mode, TaskTemplate: next},
		PreviousSpec: &swarm.ServiceSpec{Mode: mode, TaskTemplate: prev},
		// Swarm resets the update status on an update; its updater has
		// not started yet.
		UpdateStatus: nil,
	}
}

// An env-only change keeps the image: the old tasks, still running right
// after the update, are not the new version (observed: "converged" in
// 159 ms before swarm had started the update).
func TestWaitEnvOnlyChangeWaitsForNewTasks(t *testing.T) {
	before := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	old, next := template("MODE=a"), template("MODE=b")
	target := Target{ID: "s1", Name: "shop_web", Image: "web:v1", Since: before}

	api := &fakeRollout{svc: service(old, next, 2), polls: [][]swarm.Task{
		{running(old, before), running(old, before)},
	}}
	err := Wait(context.Background(), api, []Target{target}, 0, io.Discard)
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || timeout.State != "0/2 running the new version" {
		t.Fatalf("old tasks with the same image: Wait = %v, want a timeout at 0/2", err)
	}

	later := before.Add(time.Second)
	api = &fakeRollout{svc: service(old, next, 2), polls: [][]swarm.Task{
		{running(old, before), running(old, before)},
		{running(next, later), running(old, before)},
		{running(next, later), running(next, later)},
	}}
	if err := Wait(context.Background(), api, []Target{target}, time.Minute, io.Discard); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	if api.listed != 3 {
		t.Errorf("Wait returned after %d task lists, want 3 (once both tasks run the new env)", api.listed)
	}
}

func TestRunsCurrentSpec(t *testing.T) {
	before := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	after := before.Add(time.Second)
	old, next := template("MODE=a"), template("MODE=b")
	ports := func(svc swarm.Service) swarm.Service {
		svc.Spec.EndpointSpec = &swarm.EndpointSpec{Ports: []swarm.PortConfig{{TargetPort: 80, PublishedPort: 8080}}}
		return svc
	}
	// The engine reports the template with defaults the task's spec
	// leaves out.
	defaulted := next
	defaulted.Runtime, defaulted.Resources = "container", &swarm.ResourceRequirements{}
	defaulted.ContainerSpec = &swarm.ContainerSpec{Image: next.ContainerSpec.Image, Env: next.ContainerSpec.Env, DNSConfig: &swarm.DNSConfig{}}
	placed := next
	placed.Placement = &swarm.Placement{Constraints: []string{"node.role==worker"}}
	tests := []struct {
		name string
		task swarm.Task
		svc  swarm.Service
		want bool
	}{
		{name: "old env, same image", task: running(old, before), svc: service(old, next, 1), want: false},
		{name: "new env", task: running(next, after), svc: service(old, next, 1), want: true},
		{name: "template unchanged (scale, labels): old tasks stay", task: running(next, before), svc: service(next, next, 3), want: true},
		{name: "template with the engine's defaults", task: running(next, after), svc: service(old, defaulted, 1), want: true},
		{name: "placement alone changed: tasks stay", task: running(next, before), svc: service(next, placed, 1), want: true},
		{name: "ports changed: a task from before is replaced", task: running(next, before), svc: ports(service(next, next, 1)), want: false},
		{name: "ports changed: a task created since", task: running(next, after), svc: ports(service(next, next, 1)), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runsCurrentSpec(tt.task, tt.svc, before); got != tt.want {
				t.Errorf("runsCurrentSpec = %v, want %v", got, tt.want)
			}
		})
	}
}
