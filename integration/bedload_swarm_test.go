package integration

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// placement is where a service's running tasks are.
type placement struct {
	running, onReady int
	nodes            []taskNode      // nodes running tasks, by hostname
	errs             []string        // the errors of tasks that did not run
	ready            map[string]bool // by node ID: every node's
}

type taskNode struct {
	id, host       string
	manager, ready bool
	tasks          int
}

func (p placement) String() string {
	var parts []string
	for _, n := range p.nodes {
		st := "ready"
		if !n.ready {
			st = "not ready"
		}
		parts = append(parts, fmt.Sprintf("%s (%s) ×%d", n.host, st, n.tasks))
	}
	s := fmt.Sprintf("%d running on %d nodes: %s", p.running, len(p.nodes), strings.Join(parts, ", "))
	if len(p.errs) > 0 {
		s += "; tasks that did not run: " + strings.Join(p.errs, "; ")
	}
	return s
}

// placement asks a manager of the bed where the running tasks of service are.
func (r *bedRun) placement(ctx context.Context, service string) (placement, error) {
	m, err := r.manager()
	if err != nil {
		return placement{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tasks, err := m.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", service)})
	if err != nil {
		return placement{}, err
	}
	nodes, err := m.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return placement{}, err
	}
	byID := map[string]*taskNode{}
	for _, n := range nodes.Items {
		byID[n.ID] = &taskNode{id: n.ID, host: n.Description.Hostname, manager: n.Spec.Role == swarm.NodeRoleManager,
			ready: n.Status.State == swarm.NodeStateReady && n.Spec.Availability == swarm.NodeAvailabilityActive}
	}
	p := placement{ready: map[string]bool{}}
	for id, n := range byID {
		p.ready[id] = n.ready
	}
	for _, t := range tasks.Items {
		n := byID[t.NodeID]
		if t.Status.Err != "" && len(p.errs) < 5 {
			p.errs = append(p.errs, fmt.Sprintf("%s on %s: %s", t.Status.State, t.NodeID, t.Status.Err))
		}
		if t.DesiredState != swarm.TaskStateRunning || t.Status.State != swarm.TaskStateRunning || n == nil {
			continue
		}
		p.running++
		n.tasks++
		if n.ready {
			p.onReady++
		}
	}
	for _, n := range byID {
		if n.tasks > 0 {
			p.nodes = append(p.nodes, *n)
		}
	}
	slices.SortFunc(p.nodes, func(a, b taskNode) int { return strings.Compare(a.host, b.host) })
	return p, nil
}
