package deploy

import (
	"context"
	"fmt"
	"sort"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// ServiceStatus is one line of `gazr status`.
type ServiceStatus struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Image   string `json:"image"`
	// Running counts the tasks that run and are meant to (not the old
	// ones draining after an update); Desired is swarm's count.
	Running uint64 `json:"running"`
	Desired uint64 `json:"desired"`
	// Update is swarm's update state ("completed", "rollback_completed"…),
	// "" before any update.
	Update string `json:"update"`
	// URL is where the edge routes the service, "" when not routed.
	URL string `json:"url"`
}

// Health sums up the service: "ok" when every desired task runs (with a
// health check, swarm counts a task as running once it is healthy),
// "degraded" when some do, "down" when none does.
func (s ServiceStatus) Health() string {
	switch {
	case s.Desired == 0:
		return "stopped"
	case s.Running >= s.Desired:
		return "ok"
	case s.Running > 0:
		return "degraded"
	}
	return "down"
}

// Status reports the services of a stack.
func Status(ctx context.Context, api SwarmAPI, namespace string, edgePort int) ([]ServiceStatus, error) {
	res, err := api.ServiceList(ctx, client.ServiceListOptions{
		Filters: client.Filters{}.Add("label", convert.LabelNamespace+"="+namespace), Status: true,
	})
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", namespace, err)
	}
	var out []ServiceStatus
	for _, s := range res.Items {
		if s.Spec.Labels["io.gazr.job"] != "" || s.Spec.Labels[LabelAgent] != "" {
			continue
		}
		st := statusOf(s, edgePort)
		if st.Running, err = runningTasks(ctx, api, s.ID); err != nil {
			return nil, fmt.Errorf("status of %s: %w", s.Spec.Name, err)
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ServiceRunning counts the service's tasks that run and are meant to.
func ServiceRunning(ctx context.Context, api SwarmAPI, id string) (uint64, error) {
	return runningTasks(ctx, api, id)
}

// runningTasks counts the service's tasks that run and are meant to.
// Swarm's own count (ServiceStatus.RunningTasks) includes the old tasks
// still draining after an update, which would read "4/3" right after a
// rollout of 3 replicas.
func runningTasks(ctx context.Context, api SwarmAPI, id string) (uint64, error) {
	res, err := api.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", id).Add("desired-state", "running")})
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, t := range res.Items {
		if t.Status.State == swarm.TaskStateRunning {
			n++
		}
	}
	return n, nil
}

func statusOf(s swarm.Service, edgePort int) ServiceStatus {
	st := ServiceStatus{Name: s.Spec.Name, Version: s.Spec.Labels[convert.LabelVersion], Image: imageOf(s.Spec)}
	if s.ServiceStatus != nil {
		st.Running, st.Desired = s.ServiceStatus.RunningTasks, s.ServiceStatus.DesiredTasks
	}
	if s.UpdateStatus != nil {
		st.Update = string(s.UpdateStatus.State)
	}
	if host := s.Spec.Labels[convert.LabelRouteHost]; host != "" {
		st.URL = "http://" + host
		if edgePort != 0 && edgePort != 80 {
			st.URL += fmt.Sprintf(":%d", edgePort)
		}
	}
	return st
}
