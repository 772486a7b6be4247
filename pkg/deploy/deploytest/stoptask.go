package deploytest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// testStopTask runs a global test service (a task on every ready node)
// and stops one of its tasks on the manager's node, which the swarm must
// replace (a backend that cannot opts out in Harness.Skip), then one on
// another node: replaced too, or the backend says it cannot reach that
// node (ErrNotSupported, reported as a skip). An unknown task is
// ErrNotFound.
func (s *suite) testStopTask(t *testing.T) {
	b := s.backend(t, s.env(t))
	api := s.manager(t, b)
	self := selfNode(t, api)
	ready, err := readyNodes(shortCtx(t), api)
	if err != nil {
		t.Fatal(err)
	}
	svc := s.createService(t, api, "stoptask", global())
	ts := s.waitRunning(t, api, svc, fmt.Sprintf("a task on each of the %d ready nodes", len(ready)),
		onNodes(len(ready), true, ""))

	s.run(t, "StopTask/ManagerNode", func(t *testing.T) {
		for _, task := range ts {
			if task.NodeID == self {
				s.stopTask(t, b, api, svc, task, false)
				return
			}
		}
		t.Fatalf("no task of the global service %s on the manager's node %s", svc, self)
	})
	s.run(t, "StopTask/OtherNode", func(t *testing.T) {
		for _, task := range ts {
			if task.NodeID != self {
				s.stopTask(t, b, api, svc, task, true)
				return
			}
		}
		t.Skipf("no ready node besides the manager's (%d ready): nothing to stop elsewhere", len(ready))
	})
	s.run(t, "StopTask/Unknown", func(t *testing.T) {
		err := b.StopTask(shortCtx(t), "gazrconformancenosuchtask")
		wantErr(t, "StopTask of an unknown task", err, deploy.ErrNotFound)
	})
}

// stopTask stops task and waits until it has ended and a new task of the
// global service runs on its node. ErrNotSupported skips the test when
// the contract allows it (a task on a node other than the manager's).
func (s *suite) stopTask(t *testing.T, b deploy.Backend, api deploy.SwarmAPI, svc string, task swarm.Task, remote bool) {
	t.Helper()
	err := b.StopTask(shortCtx(t), task.ID)
	if remote && errors.Is(err, deploy.ErrNotSupported) {
		t.Skipf("%s cannot stop a task on node %s: %v", b.Name(), task.NodeID, err)
	}
	if err != nil {
		t.Fatalf("StopTask(%s on node %s): %v", task.ID, task.NodeID, err)
	}
	d := s.poll(t, "task "+task.ID+" replaced", func(ctx context.Context) error {
		old, err := api.TaskInspect(ctx, task.ID, client.TaskInspectOptions{})
		if err != nil {
			return err
		}
		if st := old.Task.Status.State; !ended(st) {
			return fmt.Errorf("stopped task %s is %s", task.ID, st)
		}
		ts, err := tasks(ctx, api, svc)
		if err != nil {
			return err
		}
		for _, n := range ts {
			if n.NodeID == task.NodeID && n.ID != task.ID && n.Status.State == swarm.TaskStateRunning {
				return nil
			}
		}
		return fmt.Errorf("no new task running on node %s yet", task.NodeID)
	})
	t.Logf("task %s on node %s stopped and replaced in %s", task.ID, task.NodeID, d)
}

// ended reports a terminal task state.
func ended(st swarm.TaskState) bool {
	switch st {
	case swarm.TaskStateComplete, swarm.TaskStateFailed, swarm.TaskStateShutdown,
		swarm.TaskStateRejected, swarm.TaskStateOrphaned, swarm.TaskStateRemove:
		return true
	}
	return false
}
