package deploy

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// Scale sets the replicas of services of a stack (name → replicas) and
// waits until they run. Every name is checked before any service changes.
// Each update carries reg's credential (renewed when it expires) for the
// nodes that pull the image for a new task: without it, swarm would keep
// the one of the last deploy, which may have expired since (ECR's last
// 12 hours).
func Scale(ctx context.Context, api SwarmAPI, namespace string, want map[string]uint64, reg *RegistrySession, timeout time.Duration, out io.Writer) error {
	lock, err := AcquireLock(ctx, api, namespace, "scale", false)
	if err != nil {
		return err
	}
	defer releaseLock(lock, out)
	current, err := StackServices(ctx, api, namespace)
	if err != nil {
		return err
	}
	names := slices.Sorted(maps.Keys(want))
	services := make([]swarm.Service, len(names))
	for i, name := range names {
		j := slices.IndexFunc(current, func(s swarm.Service) bool { return s.Spec.Name == namespace+"_"+name })
		switch {
		case j < 0:
			return fmt.Errorf("no service %q in %s (see gazr status)", name, namespace)
		case current[j].Spec.Mode.Replicated == nil:
			return fmt.Errorf("service %s is global: it runs one task per node and cannot be scaled", name)
		}
		services[i] = current[j]
	}
	var targets []Target
	for i, s := range services {
		n := want[names[i]]
		spec := s.Spec
		spec.Mode.Replicated = &swarm.ReplicatedService{Replicas: &n}
		// The spec is no longer the one gazr deployed: without its hash,
		// the next deploy applies the compose file's replicas again
		// instead of calling the service unchanged.
		spec.Labels = maps.Clone(spec.Labels)
		delete(spec.Labels, LabelSpecHash)
		auth, err := sessionPullAuth(ctx, imageOf(spec), reg)
		if err != nil {
			return fmt.Errorf("scale %s: %w", names[i], err)
		}
		if _, err := api.ServiceUpdate(ctx, s.ID, client.ServiceUpdateOptions{Version: s.Version, Spec: spec, EncodedRegistryAuth: auth}); err != nil {
			return fmt.Errorf("scale %s: %w", names[i], err)
		}
		fmt.Fprintf(out, "  %-24s %s → %d replicas\n", s.Spec.Name, replicas(s.Spec), n)
		targets = append(targets, Target{ID: s.ID, Name: s.Spec.Name, Image: imageOf(spec)})
	}
	return Wait(ctx, api, targets, timeout, out)
}
