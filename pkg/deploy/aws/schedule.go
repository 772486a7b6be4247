package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// Schedule implements deploy.Backend: the scheduled actions of the
// workers' Auto Scaling group, gazr's (names starting with
// awsproto.ManagedPrefix) marked Managed.
func (b *Backend) Schedule(ctx context.Context) ([]deploy.ScheduledChange, error) {
	cl, err := b.describe(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.needASG(cl.Workers, "a schedule"); err != nil {
		return nil, err
	}
	out := make([]deploy.ScheduledChange, 0, len(cl.Workers.Scheduled))
	for _, a := range cl.Workers.Scheduled {
		out = append(out, deploy.ScheduledChange{Name: a.Name, Cron: a.Recurrence, TZ: a.TimeZone, Workers: a.Desired,
			Next: a.Next, Managed: strings.HasPrefix(a.Name, awsproto.ManagedPrefix)})
	}
	return out, nil
}

// ApplySchedule implements deploy.Backend: the env's schedule becomes
// the workers group's scheduled actions named gazr-1, gazr-2…; actions of
// other names are kept.
func (b *Backend) ApplySchedule(ctx context.Context) ([]string, error) {
	cl, err := b.describe(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.needASG(cl.Workers, "a schedule"); err != nil {
		return nil, err
	}
	res, err := b.call(ctx, awsproto.Request{Op: awsproto.OpPutSchedule, Role: awsproto.RoleWorkers, Schedule: schedule(b.env.WorkerSchedule())})
	if err != nil {
		return nil, err
	}
	return res.Changes, nil
}

func (b *Backend) needASG(g awsproto.Group, what string) error {
	if g.ASG != "" {
		return nil
	}
	return fmt.Errorf("env %s: the workers (%s) belong to no Auto Scaling group, which %s needs; set workers = { asg = \"…\" } in [env.%s.aws]",
		b.env.Name, or(g.Searched, "the workers group"), what, b.env.Name)
}

// scheduleInForce reports whether the group's gazr actions are the env's
// schedule, and says the difference when not. Actions are compared by
// what they do (cron, zone, workers), not by name: the helper names
// gazr's actions after their content (gazr-<n>-<hash>).
func scheduleInForce(want []awsproto.ScheduledAction, have []awsproto.ScheduledAction) (bool, string) {
	key := func(a awsproto.ScheduledAction) string {
		return fmt.Sprintf("%d workers at %s (%s)", a.Desired, a.Recurrence, or(a.TimeZone, "UTC"))
	}
	inForce := map[string][]string{} // what gazr's actions do → their names
	for _, a := range have {
		if strings.HasPrefix(a.Name, awsproto.ManagedPrefix) {
			inForce[key(a)] = append(inForce[key(a)], a.Name)
		}
	}
	var diff []string
	for _, w := range want {
		k := key(w)
		if len(inForce[k]) == 0 {
			diff = append(diff, k+" missing")
			continue
		}
		inForce[k] = inForce[k][1:]
	}
	var extra []string
	for _, names := range inForce {
		extra = append(extra, names...)
	}
	for _, name := range slices.Sorted(slices.Values(extra)) {
		diff = append(diff, name+" not in the config")
	}
	return len(diff) == 0, strings.Join(diff, ", ")
}

// Up implements deploy.Backend: the aws backend adopts a cluster that
// the infrastructure's own tools make (the Auto Scaling groups).
func (b *Backend) Up(ctx context.Context, managers, workers int) ([]string, error) {
	return nil, fmt.Errorf("env %s: up: the aws backend adopts the swarm your infrastructure code makes (its Auto Scaling groups): %w", b.env.Name, deploy.ErrNotSupported)
}
