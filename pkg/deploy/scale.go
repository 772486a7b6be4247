package deploy

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// Scale sets the replicas of services of a stack (name → replicas) and
// waits until they run.
func Scale(ctx context.Context, api SwarmAPI, namespace string, want map[string]uint64, timeout time.Duration, out io.Writer) error {
	lock, err := AcquireLock(ctx, api, namespace, "scale", false)
	if err != nil {
		return err
	}
	defer lock.Release()
	current, err := StackServices(ctx, api, namespace)
	if err != nil {
		return err
	}
	var targets []Target
	for name, n := range want {
		full := namespace + "_" + name
		found := false
		for _, s := range current {
			if s.Spec.Name != full {
				continue
			}
			found = true
			if s.Spec.Mode.Replicated == nil {
				return fmt.Errorf("service %s is global: it runs one task per node and cannot be scaled", name)
			}
			before := replicas(s.Spec)
			spec := s.Spec
			spec.Mode.Replicated = &swarm.ReplicatedService{Replicas: &n}
			if _, err := api.ServiceUpdate(ctx, s.ID, client.ServiceUpdateOptions{Version: s.Version, Spec: spec}); err != nil {
				return fmt.Errorf("scale %s: %w", name, err)
			}
			fmt.Fprintf(out, "  %-24s %s → %d replicas\n", full, before, n)
			targets = append(targets, Target{ID: s.ID, Name: full, Image: imageOf(spec)})
		}
		if !found {
			return fmt.Errorf("no service %q in %s (see gazr status)", name, namespace)
		}
	}
	return Wait(ctx, api, targets, timeout, out)
}
