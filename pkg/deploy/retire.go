package deploy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// NodesAPI is what changing a swarm's nodes needs of a manager.
type NodesAPI interface {
	client.NodeAPIClient
	client.TaskAPIClient
	client.ServiceAPIClient
}

// PickVictims chooses the n workers a scale-in removes: machines that
// have not joined first, then the joined workers running the fewest
// tasks (tasks: running tasks by node ID), a node not Ready before a
// Ready one; never a manager. Fewer than n when there are not so many.
func PickVictims(nodes []Node, tasks map[string]int, n int) []Node {
	var cands []Node
	for _, nd := range nodes {
		if !nd.Manager {
			cands = append(cands, nd)
		}
	}
	rank := func(nd Node) int {
		switch {
		case !nd.Joined:
			return 0
		case !nd.Ready:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(cands, func(a, b Node) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(tasks[a.ID], tasks[b.ID]),
			cmp.Compare(a.Hostname, b.Hostname), cmp.Compare(a.Instance, b.Instance))
	})
	return cands[:min(n, len(cands))]
}

// RunningTasks counts the tasks that run (or are about to) on each node.
func RunningTasks(ctx context.Context, api client.TaskAPIClient) (map[string]int, error) {
	res, err := api.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("desired-state", "running")})
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	out := map[string]int{}
	for _, t := range res.Items {
		if t.NodeID != "" && live(t.Status.State) {
			out[t.NodeID]++
		}
	}
	return out, nil
}

// live: a task in this state holds (or is about to hold) a container.
func live(s swarm.TaskState) bool {
	switch s {
	case swarm.TaskStateComplete, swarm.TaskStateShutdown, swarm.TaskStateFailed,
		swarm.TaskStateRejected, swarm.TaskStateRemove, swarm.TaskStateOrphaned:
		return false
	}
	return true
}

// RetireNodes takes victims out of the swarm without losing a task:
// it drains the joined ones, waits until none of their tasks runs any
// more and each service they ran is back at its desired count (its tasks
// run elsewhere), calls stop (which ends their machines), then waits for
// each node to be Down and removes it. Progress goes to log every poll.
func RetireNodes(ctx context.Context, api NodesAPI, victims []Node, stop func(context.Context) error, log io.Writer, poll time.Duration) error {
	var ids, names []string
	for _, v := range victims {
		if v.ID != "" {
			ids = append(ids, v.ID)
			names = append(names, or(v.Hostname, v.ID))
		}
	}
	for _, id := range ids {
		if err := DrainNode(ctx, api, id); err != nil {
			return retireInterrupted(err, names, false)
		}
	}
	if err := waitDrained(ctx, api, ids, log, poll); err != nil {
		return retireInterrupted(err, names, false)
	}
	if err := stop(ctx); err != nil {
		return retireInterrupted(err, names, false)
	}
	for _, id := range ids {
		if err := removeWhenDown(ctx, api, id, log, poll); err != nil {
			return retireInterrupted(err, names, true)
		}
	}
	return nil
}

// RetireInterruptedError says where an interrupted RetireNodes left the
// nodes (drained, machines maybe still running), so that nobody believes
// nothing changed, and how to go on.
type RetireInterruptedError struct {
	Nodes []string
	// Stopped: the machines were stopped; their nodes go down.
	Stopped bool
	Err     error
}

func (e *RetireInterruptedError) Error() string {
	names := strings.Join(e.Nodes, ", ")
	if e.Stopped {
		return fmt.Sprintf("interrupted after ending the machines of %s: their nodes go down, and gazr cluster prune removes them", names)
	}
	return fmt.Sprintf("interrupted with %s drained (their machines may still run): run the same gazr cluster scale again to finish", names)
}

func (e *RetireInterruptedError) Unwrap() error { return e.Err }

// ReportOnInterrupt tells pkg/app to print the message even though gazr
// was interrupted.
func (e *RetireInterruptedError) ReportOnInterrupt() bool { return true }

func retireInterrupted(err error, names []string, stopped bool) error {
	if !errors.Is(err, context.Canceled) || len(names) == 0 {
		return err
	}
	return &RetireInterruptedError{Nodes: names, Stopped: stopped, Err: err}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// waitDrained waits until no task runs on the nodes ids and the services
// that ran there run their desired number of tasks.
func waitDrained(ctx context.Context, api NodesAPI, ids []string, log io.Writer, poll time.Duration) error {
	if len(ids) == 0 {
		return nil
	}
	last := ""
	for {
		left, err := drainLeft(ctx, api, ids)
		if err != nil {
			return err
		}
		if left == "" {
			return nil
		}
		if left != last {
			fmt.Fprintf(log, "waiting for the tasks of %d drained node(s) to run elsewhere (%s)\n", len(ids), left)
			last = left
		}
		if err := Sleep(ctx, poll); err != nil {
			return fmt.Errorf("drain %s: %s: %w", strings.Join(ids, ", "), left, err)
		}
	}
}

// drainLeft says what still holds a drain up, "" when nothing does.
func drainLeft(ctx context.Context, api NodesAPI, ids []string) (string, error) {
	tasks, err := api.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("node", ids...)})
	if err != nil {
		return "", fmt.Errorf("list tasks: %w", err)
	}
	running, services := 0, map[string]bool{}
	for _, t := range tasks.Items {
		if slices.Contains(ids, t.NodeID) && t.ServiceID != "" {
			services[t.ServiceID] = true
			if live(t.Status.State) {
				running++
			}
		}
	}
	if running > 0 {
		return fmt.Sprintf("%d task(s) still running there", running), nil
	}
	list, err := api.ServiceList(ctx, client.ServiceListOptions{Status: true})
	if err != nil {
		return "", fmt.Errorf("list services: %w", err)
	}
	var short []string
	for _, s := range list.Items {
		if st := s.ServiceStatus; services[s.ID] && st != nil && st.RunningTasks < st.DesiredTasks {
			short = append(short, fmt.Sprintf("%s %d/%d", s.Spec.Name, st.RunningTasks, st.DesiredTasks))
		}
	}
	if len(short) > 0 {
		return "services not back at their count: " + strings.Join(short, ", "), nil
	}
	return "", nil
}

// removeWhenDown waits until the node is Down (its machine ended), then
// removes it; a node already gone is no error.
func removeWhenDown(ctx context.Context, api client.NodeAPIClient, id string, log io.Writer, poll time.Duration) error {
	said := false
	for {
		res, err := api.NodeInspect(ctx, id, client.NodeInspectOptions{})
		if cerrdefs.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		if res.Node.Status.State == swarm.NodeStateDown {
			break
		}
		if !said {
			fmt.Fprintf(log, "waiting for node %s (%s) to be down\n", res.Node.Description.Hostname, id)
			said = true
		}
		if err := Sleep(ctx, poll); err != nil {
			return fmt.Errorf("node %s is still %s: %w", id, res.Node.Status.State, err)
		}
	}
	if _, err := api.NodeRemove(ctx, id, client.NodeRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove node %s: %w", id, err)
	}
	return nil
}

// WaitWorkers waits until the swarm has n Ready workers, saying how many
// are at each change.
func WaitWorkers(ctx context.Context, api client.NodeAPIClient, n int, log io.Writer, poll time.Duration) error {
	last := -1
	for {
		nodes, err := ListNodes(ctx, api)
		if err != nil {
			return err
		}
		ready := 0
		for _, nd := range nodes {
			if !nd.Manager && nd.Ready {
				ready++
			}
		}
		if ready >= n {
			return nil
		}
		if ready != last {
			fmt.Fprintf(log, "waiting for %d workers to join (%d/%d ready)\n", n, ready, n)
			last = ready
		}
		if err := Sleep(ctx, poll); err != nil {
			return fmt.Errorf("%d of %d workers ready: %w", ready, n, err)
		}
	}
}

// Sleep waits d, or until ctx ends (its error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
