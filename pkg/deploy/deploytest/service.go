package deploytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// createService creates a service of the harness's image sleeping for an
// hour, spread over the nodes, restarted half a second after it fails;
// it is removed when the test ends. It returns the service's name.
func (s *suite) createService(t *testing.T, api deploy.SwarmAPI, name string, mode swarm.ServiceMode) string {
	t.Helper()
	name = s.id + "-" + name
	grace, delay := time.Second, 500*time.Millisecond
	spec := swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: name, Labels: map[string]string{LabelSuite: s.id}},
		Mode:        mode,
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{
				Image: s.h.Image, Command: []string{"sleep", "3600"},
				StopGracePeriod: &grace, // sleep, as PID 1, ignores SIGTERM
			},
			RestartPolicy: &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionAny, Delay: &delay},
			Placement: &swarm.Placement{Preferences: []swarm.PlacementPreference{
				{Spread: &swarm.SpreadOver{SpreadDescriptor: "node.id"}},
			}},
		},
		// No virtual IP: swarms without IPVS (such as the test beds) have none.
		EndpointSpec: &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR},
	}
	res, err := api.ServiceCreate(shortCtx(t), client.ServiceCreateOptions{Spec: spec})
	if err != nil {
		t.Fatalf("create test service %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), time.Minute)
		defer cancel()
		if _, err := api.ServiceRemove(ctx, res.ID, client.ServiceRemoveOptions{}); err != nil {
			t.Errorf("remove test service %s: %v", name, err)
		}
	})
	return name
}

// tasks returns the service's tasks that swarm wants running.
func tasks(ctx context.Context, api deploy.SwarmAPI, service string) ([]swarm.Task, error) {
	res, err := api.TaskList(ctx, client.TaskListOptions{
		Filters: client.Filters{}.Add("service", service).Add("desired-state", "running"),
	})
	if err != nil {
		return nil, fmt.Errorf("tasks of %s: %w", service, err)
	}
	return res.Items, nil
}

// waitRunning waits until the service's tasks pass check and every one of
// them runs, and returns them.
func (s *suite) waitRunning(t *testing.T, api deploy.SwarmAPI, service, what string, check func([]swarm.Task) error) []swarm.Task {
	t.Helper()
	var out []swarm.Task
	d := s.poll(t, service+": "+what, func(ctx context.Context) error {
		ts, err := tasks(ctx, api, service)
		if err != nil {
			return err
		}
		for _, task := range ts {
			if task.Status.State != swarm.TaskStateRunning {
				return fmt.Errorf("task %s on node %s is %s (%s)", task.ID, task.NodeID, task.Status.State, task.Status.Err)
			}
		}
		if err := check(ts); err != nil {
			return err
		}
		out = ts
		return nil
	})
	t.Logf("%s: %s after %s", service, what, d.Round(time.Millisecond))
	return out
}

// onNodes checks that there are n tasks on n distinct nodes, none of them
// the excluded one.
func onNodes(n int, distinct bool, exclude string) func([]swarm.Task) error {
	return func(ts []swarm.Task) error {
		nodes := map[string]bool{}
		for _, task := range ts {
			if task.NodeID == exclude {
				return fmt.Errorf("task %s still on node %s", task.ID, exclude)
			}
			nodes[task.NodeID] = true
		}
		switch {
		case len(ts) != n:
			return fmt.Errorf("%d tasks, want %d", len(ts), n)
		case distinct && len(nodes) != n:
			return fmt.Errorf("%d tasks on %d nodes, want them on %d", n, len(nodes), n)
		}
		return nil
	}
}

// readyNodes returns the IDs of the nodes that are up and take tasks.
func readyNodes(ctx context.Context, api deploy.SwarmAPI) ([]string, error) {
	res, err := api.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	var ids []string
	for _, n := range res.Items {
		if isReady(n) {
			ids = append(ids, n.ID)
		}
	}
	return ids, nil
}

// isReady is deploy.Node.Ready as the contract defines it.
func isReady(n swarm.Node) bool {
	return n.Status.State == swarm.NodeStateReady && n.Spec.Availability == swarm.NodeAvailabilityActive
}

// selfNode is the ID of the node whose engine api talks to.
func selfNode(t *testing.T, api deploy.SwarmAPI) string {
	t.Helper()
	info, err := api.Info(shortCtx(t), client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return info.Info.Swarm.NodeID
}

func replicated(n int) swarm.ServiceMode {
	r := uint64(n)
	return swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &r}}
}

func global() swarm.ServiceMode { return swarm.ServiceMode{Global: &swarm.GlobalService{}} }
