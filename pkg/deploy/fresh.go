package deploy

import (
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
// took from the cluster's defaults.
func sameTaskSpec(task, template swarm.TaskSpec) bool {
	task.Placement, template.Placement = nil, nil
	if template.LogDriver == nil {
		task.LogDriver = nil
	}
	return reflect.DeepEqual(task, template)
}

// endpointChanged reports whether the last update of svc changed its
// endpoint, which replaces every task though their spec stays the same.
func endpointChanged(svc swarm.Service) bool {
	prev := svc.PreviousSpec
	return prev != nil && !reflect.DeepEqual(prev.EndpointSpec, svc.Spec.EndpointSpec)
}
