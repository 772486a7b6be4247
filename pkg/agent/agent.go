// Package agent is gazr running in the cluster (`gazr agent run`, the
// service a deploy installs as <namespace>_gazr-agent): it applies the
// env's schedule, each entry once when it comes into force, through the
// same health-gated replica change as `gazr scale`, and runs the env's
// chaos experiments every [env.<name>.chaos] every (chaos.go); it records
// what it did in the stack's history, where `gazr history` shows it.
//
// What it applied is read back from the history, not kept in memory: an
// agent rescheduled on another manager, or down while an entry came into
// force, applies the entry in force once when it starts, never the ones
// it missed before it.
package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/schedule"
)

// KindSchedule is the kind of the history records the agent writes.
const KindSchedule = "schedule"

// DefaultTick is how often the agent looks at the schedule.
const DefaultTick = 5 * time.Second

// Options are the inputs of Run.
type Options struct {
	// API is the manager's engine (the agent's node's).
	API    deploy.SwarmAPI
	Config deploy.AgentConfig
	// Out receives the agent's log, a line per decision.
	Out io.Writer
	// Tick is how often it looks (DefaultTick); Now its clock
	// (schedule.Now).
	Tick time.Duration
	Now  func() time.Time
}

// Run applies the schedule until ctx ends.
func Run(ctx context.Context, o Options) error {
	if o.Tick <= 0 {
		o.Tick = DefaultTick
	}
	if o.Now == nil {
		o.Now = schedule.Now
	}
	sched, err := schedule.Compile(o.Config.Schedule)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	what := ""
	if c := o.Config.Chaos; c.Enabled && c.Every > 0 {
		what = fmt.Sprintf(", an experiment every %s", c.Every)
		if c.Window != "" {
			what += " within " + c.Window
		}
	}
	logf(o, "gazr agent of %s on %s: %d schedule entr%s, checked every %s%s", o.Config.Namespace, host, len(sched.Entries), plural(len(sched.Entries)), o.Tick, what)
	x := &experiments{o: o}
	for {
		if err := Tick(ctx, o, sched); err != nil && ctx.Err() == nil {
			logf(o, "%v (trying again in %s)", err, o.Tick)
		}
		x.tick(ctx)
		select {
		case <-ctx.Done():
			logf(o, "stopping")
			return nil
		case <-time.After(o.Tick):
		}
	}
}

// Tick applies the entry in force, unless the history says it was.
func Tick(ctx context.Context, o Options, sched *schedule.Schedule) error {
	ns := o.Config.Namespace
	now := o.Now()
	slot, ok := sched.Current(now)
	if !ok {
		return nil
	}
	last, err := LastApplied(ctx, o.API, ns)
	if err != nil {
		return err
	}
	if last != nil && !last.Before(slot.Since) {
		return nil
	}
	services, err := deploy.StackServices(ctx, o.API, ns)
	if err != nil {
		return err
	}
	want := map[string]uint64{}
	var notes []string
	for _, name := range slices.Sorted(maps.Keys(slot.Replicas)) {
		n := slot.Replicas[name]
		svc := find(services, ns+"_"+name)
		switch {
		case svc == nil:
			notes = append(notes, name+" is not deployed: skipped")
		case svc.Spec.Mode.Replicated == nil:
			notes = append(notes, name+" is global: skipped")
		case svc.Spec.Mode.Replicated.Replicas == nil || *svc.Spec.Mode.Replicated.Replicas != n:
			want[name] = n
		}
	}
	start := time.Now()
	logf(o, "entry %s in force since %s", slot.Describe(), slot.Since.Format(time.RFC3339))
	result, msg := deploy.ResultSucceeded, ""
	if len(want) == 0 {
		msg = "already so"
	} else {
		err = deploy.Scale(ctx, o.API, ns, want, deploy.FixedRegistry(deploy.Registry{}), o.Config.Timeout, o.Out)
		var locked *deploy.LockedError
		if errors.As(err, &locked) {
			// A deploy or a scale holds the env: this entry is applied
			// on a later tick, once.
			return fmt.Errorf("%s is busy (%s by %s)", ns, locked.Owner.Action, locked.Owner.Holder)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg = schedule.FormatReplicas(want)
		if err != nil {
			result, msg = deploy.ResultFailed, msg+": "+err.Error()
		}
	}
	if len(notes) > 0 {
		msg += "; " + strings.Join(notes, "; ")
	}
	since := slot.Since.UTC()
	rec := deploy.Record{Namespace: ns, Kind: KindSchedule, Version: deploy.VersionOf(services), By: deploy.Whoami(),
		At: start.UTC(), Duration: time.Since(start).Round(time.Millisecond).String(), Result: result,
		Message: fmt.Sprintf("%s since %s: %s", slot.Describe(), since.Format(time.RFC3339), msg), Slot: &since}
	if err := deploy.AddRecord(context.WithoutCancel(ctx), o.API, rec); err != nil {
		return err
	}
	logf(o, "%s: %s", result, msg)
	return nil
}

// LastApplied is when the newest schedule entry the agent applied came
// into force; nil when it applied none.
func LastApplied(ctx context.Context, api deploy.SwarmAPI, ns string) (*time.Time, error) {
	history, err := deploy.History(ctx, api, ns)
	if err != nil {
		return nil, err
	}
	for _, r := range history {
		if r.Kind == KindSchedule && r.Slot != nil {
			return r.Slot, nil
		}
	}
	return nil, nil
}

func find(services []swarm.Service, name string) *swarm.Service {
	for i := range services {
		if services[i].Spec.Name == name {
			return &services[i]
		}
	}
	return nil
}

func logf(o Options, format string, args ...any) {
	fmt.Fprintf(o.Out, "%s %s\n", time.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
}

func plural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}
