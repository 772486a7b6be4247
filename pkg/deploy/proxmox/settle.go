package proxmox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	pve "github.com/luthermonson/go-proxmox"
)

// moving are the locks of a VM whose config and node a task is still
// changing: a clone being made (on the source node until it ends on
// its target), a migration.
var moving = []string{"clone", "migrate"}

// settled waits until no VM of the env in is locked by a clone or a
// migration (a run interrupted during a clone leaves its task running in
// PVE), reading the inventory again, within b.timeouts.Task; it returns
// the inventory then. Configuring or starting such a VM would act on a
// config that is not its last, on a node it is leaving.
func (b *Backend) settled(ctx context.Context, c *pve.Client, in *inventory) (*inventory, error) {
	deadline := time.Now().Add(b.timeouts.Task)
	said := map[int]bool{}
	for {
		var locked []vm
		for _, v := range in.env {
			if slices.Contains(moving, v.Lock) {
				locked = append(locked, v)
			}
		}
		if len(locked) == 0 {
			return in, nil
		}
		var names []string
		for _, v := range locked {
			names = append(names, fmt.Sprintf("%s, locked (%s) on %s", v, v.Lock, v.Node))
			if !said[v.ID] {
				said[v.ID] = true
				fmt.Fprintf(b.log, "%s is locked (%s) by a task still running, an earlier run's: waiting for it\n", v, v.Lock)
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("env %s: %s still after %s: see its task in the PVE web UI (Task History of its node), then run gazr again",
				b.env.Name, strings.Join(names, "; "), b.timeouts.Task)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("env %s: waiting for %s: %w", b.env.Name, strings.Join(names, "; "), ctx.Err())
		case <-time.After(b.poll):
		}
		var err error
		if in, err = b.inventory(ctx, c); err != nil {
			return nil, err
		}
	}
}
