package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// RollbackOptions are the inputs of a rollback.
type RollbackOptions struct {
	Project string
	Env     *config.Environment
	Backend Backend
	// To is the version to go back to; "" means the last successful
	// version before the one running now.
	To        string
	WaitLock  bool
	EdgeImage string
	Out       io.Writer
}

// Rollback re-applies the service specs recorded for an earlier version,
// with the same rolling, health-gated updates as a deploy, and records it.
func Rollback(ctx context.Context, o RollbackOptions) (*Result, error) {
	start := time.Now()
	api, err := o.Backend.Manager(ctx)
	if err != nil {
		return nil, err
	}
	defer api.Close()
	ns := Namespace(o.Project, o.Env.Name)
	current, running, target, err := rollbackPlan(ctx, api, ns, o.To)
	if err != nil {
		return nil, err
	}
	lock, err := lockOrWait(ctx, api, ns, "rollback to "+target.Version, o.WaitLock, o.Out)
	if err != nil {
		return nil, err
	}
	defer releaseLock(lock, o.Out)
	// Plan again under the lock: a deploy this rollback queued behind
	// (--wait) changed what runs, and the history.
	if current, running, target, err = rollbackPlan(ctx, api, ns, o.To); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Out, "roll back %s from %s to %s (deployed %s by %s)\n", ns, running, target.Version, target.At.Local().Format(time.DateTime), target.By)
	specs, err := unredact(target.Services, current)
	if err != nil {
		return nil, fmt.Errorf("roll back %s to %s: %w", ns, target.Version, err)
	}
	key, err := secretKey(ctx, api, o.Project, ns, true)
	if err != nil {
		return nil, fmt.Errorf("roll back %s to %s: %w", ns, target.Version, err)
	}
	st := &convert.Stack{Namespace: ns, Services: specs}
	res := &Result{Namespace: ns, Version: target.Version, Previous: running, Changes: DiffServices(key, current, st.Services)}
	// The nodes may have to pull the old images again. Not reaching the
	// registry's credential must not stop a rollback: try without.
	reg, err := NewRegistrySession(ctx, o.Backend, nil)
	if err != nil {
		fmt.Fprintf(o.Out, "warning: registry credentials: %v; rolling back without them\n", err)
		reg = FixedRegistry(Registry{})
	}
	targets, err := ApplyServices(ctx, api, st, key, reg, false, o.Out)
	if err == nil {
		err = Wait(ctx, api, targets, o.Env.Timeout, o.Out)
	}
	err = interrupted(err, targets)
	if err == nil {
		if err = UpdateEdge(ctx, api, o.Env, o.EdgeImage, o.Out); err != nil {
			err = &EdgeError{Err: err}
		}
	}
	r := Record{Namespace: ns, Kind: "rollback", Version: target.Version, Previous: running, By: whoami(), At: start.UTC(),
		Duration: time.Since(start).Round(time.Millisecond).String(), Services: target.Services}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	r.Result, r.Message = outcome(err, func() bool { return allConverged(rctx, api, targets) })
	if r.Result == ResultRolledBack {
		r.Result = ResultFailed // a rollback rolled back failed to roll back
	}
	if rerr := AddRecord(rctx, api, r); rerr != nil {
		fmt.Fprintf(o.Out, "warning: %v\n", rerr)
	}
	res.Record = &r
	return res, err
}

// rollbackPlan reads what runs in namespace ns and picks the record to
// roll back to.
func rollbackPlan(ctx context.Context, api SwarmAPI, ns, to string) ([]swarm.Service, string, Record, error) {
	current, err := StackServices(ctx, api, ns)
	if err != nil {
		return nil, "", Record{}, err
	}
	running := versionOf(current)
	history, err := History(ctx, api, ns)
	if err != nil {
		return nil, "", Record{}, err
	}
	target, err := pickRollback(history, running, to)
	if err != nil {
		return nil, "", Record{}, fmt.Errorf("%s: %w", ns, err)
	}
	return current, running, target, nil
}

// pickRollback finds the record to roll back to: the newest successful
// one of version to, or else of any version other than the running one.
func pickRollback(history []Record, running, to string) (Record, error) {
	var known []string
	for _, r := range history {
		if r.Result != ResultSucceeded || len(r.Services) == 0 {
			continue
		}
		if !slices.Contains(known, r.Version) {
			known = append(known, r.Version)
		}
		if (to != "" && r.Version == to) || (to == "" && r.Version != running) {
			return r, nil
		}
	}
	if to != "" {
		return Record{}, fmt.Errorf("no successful deploy of version %q in the history (known: %s)", to, orNothing(strings.Join(known, ", ")))
	}
	if running == "" {
		return Record{}, errors.New("no earlier successful version to roll back to (nothing is running)")
	}
	return Record{}, fmt.Errorf("no earlier successful version to roll back to (running %s)", running)
}

// orNothing is s, or "none" when s is empty, for lists in messages.
func orNothing(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
