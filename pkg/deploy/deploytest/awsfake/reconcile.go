package awsfake

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"
)

// Reconcile runs one pass of the groups' reconciler: the scheduled
// actions that came due are applied, then each group whose Pending and
// InService instances are fewer than its desired capacity launches new
// ones (Machines.Launch; running when it returns, terminated if it
// fails, to be launched again by a later pass), and each group with more
// terminates the surplus, per its termination policy (newest first by
// default). It returns once the machine operations it started are done,
// or ctx is done.
func (f *Fake) Reconcile(ctx context.Context) error {
	f.runSchedules()
	var wg sync.WaitGroup
	f.run(f.plan(), &wg)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// plan decides a pass's launches and terminations and records them (new
// pending instances, instances shutting down), so a concurrent pass does
// not decide them again.
func (f *Fake) plan() []machineOp {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ops []machineOp
	for _, name := range slices.Sorted(maps.Keys(f.groups)) {
		g := f.groups[name]
		var active []*instance
		for _, in := range f.members(name) {
			if in.active() {
				active = append(active, in)
			}
		}
		for n := len(active); n < g.Desired; n++ {
			in := f.newInstance(name, "", nil)
			ops = append(ops, machineOp{kind: opLaunch, id: in.ID, inst: in.clone()})
		}
		if surplus := len(active) - g.Desired; surplus > 0 {
			for _, in := range victims(active, g.TerminationPolicy, surplus) {
				if op, ok := f.begin(in, opTerminate, false, "scale in of "+name); ok {
					ops = append(ops, op)
				}
			}
		}
	}
	return ops
}

// victims are the n instances a group with policy terminates first.
func victims(active []*instance, policy string, n int) []*instance {
	sorted := slices.Clone(active)
	slices.SortFunc(sorted, func(a, b *instance) int {
		if policy == OldestInstance {
			return a.seq - b.seq
		}
		return b.seq - a.seq
	})
	return sorted[:n]
}

// tick is the background reconciler: a pass every ReconcileEvery, and
// one soon after a change of a group (kickReconciler).
func (f *Fake) tick() {
	defer close(f.tickerDone)
	t := time.NewTicker(f.opts.ReconcileEvery)
	defer t.Stop()
	for {
		select {
		case <-f.ctx.Done():
			return
		case <-t.C:
		case <-f.kick:
		}
		f.runSchedules()
		f.run(f.plan(), nil)
	}
}

// kickReconciler asks the background reconciler, if any, for a pass.
func (f *Fake) kickReconciler() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}
