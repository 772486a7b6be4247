package deploy

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/moby/moby/api/types/swarm"
)

// runsCurrentSpec reports whether a task runs the service's current spec,
// so Wait counts it as the new version. Comparing images alone is wrong
// when a deploy changes only env or settings: right after the update the
// old tasks still run the same image, and Wait said "deployed" before
// swarm had started replacing them.
//
// The rule follows swarm's own (swarmkit's IsTaskDirty): a task is kept
// when its spec equals the service's task template, except that a change
// of placement alone keeps tasks on nodes that still qualify, and a change
// of the endpoint (published ports) alone replaces every task. In that
// last case the task template matches old and new tasks alike, so only
// tasks created after the update (since: the service's UpdatedAt before
// it, on the manager's clock) count.
func runsCurrentSpec(task swarm.Task, svc swarm.Service, since time.Time) bool {
	if !sameTaskSpec(task.Spec, svc.Spec.TaskTemplate) {
		return false
	}
	if !since.IsZero() && endpointChanged(svc) {
		return task.CreatedAt.After(since)
	}
	return true
}

// sameTaskSpec compares a task's spec with a service's task template,
// leaving out what swarm may change without replacing the task: the
// placement (kept while the node qualifies) and a log driver the task
// took from the cluster's defaults. The engine reports a template with
// defaults a task's spec leaves out (empty DNSConfig and Resources,
// Runtime "container"): zero values and a missing runtime compare equal.
func sameTaskSpec(task, template swarm.TaskSpec) bool {
	task.Placement, template.Placement = nil, nil
	if template.LogDriver == nil {
		task.LogDriver = nil
	}
	if task.Runtime == "" || template.Runtime == "" {
		task.Runtime, template.Runtime = "", ""
	}
	return reflect.DeepEqual(nonZero(task), nonZero(template))
}

// nonZero is v as JSON values without its zero ones (empty objects and
// lists, "", 0, false, null), so that a field left out and one set to its
// zero value compare equal.
func nonZero(v any) any {
	b, _ := json.Marshal(v)
	var j any
	_ = json.Unmarshal(b, &j)
	return prune(j)
}

func prune(j any) any {
	switch x := j.(type) {
	case map[string]any:
		for k, v := range x {
			if v = prune(v); v == nil {
				delete(x, k)
			} else {
				x[k] = v
			}
		}
		if len(x) == 0 {
			return nil
		}
		return x
	case []any:
		for i := range x {
			x[i] = prune(x[i])
		}
		if len(x) == 0 {
			return nil
		}
		return x
	case string, float64, bool:
		if x == "" || x == 0.0 || x == false {
			return nil
		}
	}
	return j
}

// endpointChanged reports whether the last update of svc changed its
// endpoint, which replaces every task though their spec stays the same.
func endpointChanged(svc swarm.Service) bool {
	prev := svc.PreviousSpec
	return prev != nil && !reflect.DeepEqual(prev.EndpointSpec, svc.Spec.EndpointSpec)
}
