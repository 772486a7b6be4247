package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/agent"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/schedule"
)

// operations reads what runs the env besides its services: the schedule
// entry in force and the next, the agent that applies it, and the last
// chaos experiment. Nothing that cannot be read stops the status.
func operations(ctx context.Context, api deploy.SwarmAPI, env *config.Environment, ns string) deploy.Operations {
	var ops deploy.Operations
	now := schedule.Now()
	if sched, err := schedule.Compile(env.Schedule); err == nil && len(sched.Entries) > 0 {
		st := &deploy.ScheduleReport{}
		if cur, ok := sched.Current(now); ok {
			st.Current, st.Since = cur.Replicas, &cur.Since
		}
		if next, ok := sched.Next(now); ok {
			st.Next, st.At = next.Replicas, &next.Since
		}
		ops.Schedule = st
	}
	res, err := api.ServiceInspect(ctx, deploy.AgentService(ns), client.ServiceInspectOptions{})
	if err == nil {
		a := &deploy.AgentReport{Service: res.Service.Spec.Name}
		a.Running, _ = deploy.ServiceRunning(ctx, api, res.Service.ID)
		ops.Agent = a
	}
	history, err := deploy.History(ctx, api, ns)
	if err != nil {
		return ops
	}
	for _, r := range history {
		e := r.Entry()
		switch {
		case r.Kind == agent.KindSchedule && ops.Agent != nil && ops.Agent.Last == nil:
			ops.Agent.Last = &e
		case r.Kind == "chaos" && ops.LastChaos == nil:
			ops.LastChaos = &e
		}
	}
	return ops
}

// printOperations writes the lines after the status table.
func printOperations(w io.Writer, ops deploy.Operations) {
	if s := ops.Schedule; s != nil {
		cur := "no entry has come into force yet"
		if s.Since != nil {
			cur = fmt.Sprintf("%s since %s", schedule.FormatReplicas(s.Current), when(*s.Since))
		}
		next := ""
		if s.At != nil {
			next = fmt.Sprintf("; next: %s at %s", schedule.FormatReplicas(s.Next), when(*s.At))
		}
		fmt.Fprintf(w, "schedule: %s%s\n", cur, next)
	}
	if a := ops.Agent; a != nil {
		health := "running"
		if a.Running == 0 {
			health = "not running (see gazr agent logs)"
		}
		last := "nothing applied yet"
		if a.Last != nil {
			last = fmt.Sprintf("last applied %s: %s", when(a.Last.At), a.Last.Result)
		}
		fmt.Fprintf(w, "agent: %s, %s\n", health, last)
	}
	if c := ops.LastChaos; c != nil {
		fmt.Fprintf(w, "chaos: last experiment %s: %s (%s)\n", when(c.At), c.Result, c.Message)
	}
}

// when is a time as status shows it, in the local zone.
func when(t time.Time) string { return t.Local().Format("2006-01-02 15:04 MST") }
