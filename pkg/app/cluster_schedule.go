package app

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// compareSchedule sets the changes in force (written by gazr) against the
// configured ones, each counted once.
func compareSchedule(in []deploy.ScheduledChange, want []config.Schedule) *deploy.ScheduleStatus {
	st := &deploy.ScheduleStatus{InForce: []deploy.Scheduled{}, Configured: []deploy.Scheduled{}}
	for _, c := range in {
		s := deploy.Scheduled{Name: c.Name, Cron: c.Cron, TZ: zone(c.TZ), Workers: c.Workers, Managed: c.Managed}
		if !c.Next.IsZero() {
			s.Next = &c.Next
		}
		st.InForce = append(st.InForce, s)
	}
	for _, c := range want {
		st.Configured = append(st.Configured, deploy.Scheduled{Cron: c.Cron, TZ: zone(c.TZ), Workers: int(c.Workers), Managed: true})
	}
	var managed []deploy.Scheduled
	for _, s := range st.InForce {
		if s.Managed {
			managed = append(managed, s)
		}
	}
	for _, c := range st.Configured {
		if i := slices.IndexFunc(managed, c.Same); i >= 0 {
			managed = slices.Delete(managed, i, i+1)
		} else {
			st.Missing = append(st.Missing, c)
		}
	}
	st.Extra = managed
	st.Differs = len(st.Missing) > 0 || len(st.Extra) > 0
	return st
}

// zone names a cron expression's time zone, UTC when unset.
func zone(tz string) string {
	if tz == "" {
		return "UTC"
	}
	return tz
}

// printSchedule writes the schedule in force and how it compares with
// table's (the env's backend table, "[env.staging.aws]").
func printSchedule(out io.Writer, st *deploy.ScheduleStatus, env, table string) error {
	fmt.Fprintln(out)
	if len(st.InForce) > 0 {
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "SCHEDULE\tCRON\tTZ\tWORKERS\tNEXT\tSET BY")
		for _, s := range st.InForce {
			by := "gazr"
			if !s.Managed {
				by = "other"
			}
			next := "-"
			if s.Next != nil {
				next = nextIn(*s.Next, s.TZ)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", dash(s.Name), s.Cron, s.TZ, s.Workers, next, by)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	switch {
	case !st.Differs && len(st.Configured) == 0:
		fmt.Fprintf(out, "no schedule configured in %s, and none of gazr's in force\n", table)
	case !st.Differs:
		fmt.Fprintf(out, "the schedule in force is the one configured in %s\n", table)
	default:
		fmt.Fprintf(out, "the schedule in force differs from the one configured in %s: gazr cluster apply --env %s applies it\n", table, env)
		for _, s := range st.Missing {
			fmt.Fprintf(out, "  + %s (%s): %d workers, configured, not in force\n", s.Cron, s.TZ, s.Workers)
		}
		for _, s := range st.Extra {
			fmt.Fprintf(out, "  - %s (%s): %d workers, in force, no longer configured\n", s.Cron, s.TZ, s.Workers)
		}
	}
	return nil
}
