package deploy

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// Target is a service a deploy changed and now waits for.
type Target struct {
	ID, Name string
	// Image is the image the service must run once converged.
	Image string
	// Health describes the service's health check, for error messages.
	Health string
	// Stale is the start time of the update status the service had
	// before this deploy updated it; until swarm replaces it, that status
	// belongs to an earlier deploy and is ignored. (Comparing with the
	// manager's start time, not our clock, is immune to clock skew.)
	Stale *time.Time
	// Since is the service's UpdatedAt before this deploy updated it
	// (the manager's clock); tasks created after it are the update's.
	// Zero for a service this deploy created.
	Since time.Time
	// Created is true for a service this deploy created: no previous
	// version for swarm to roll back to, so failing tasks stop the wait
	// (see FailEarlyAfter).
	Created bool
}

// WaitPoll is how often Wait looks at the services until they converge:
// as often as `docker service update` does. Most of gazr's time between
// swarm's convergence and its own return is half of it on average
// (integration/bench/deploybench: 341 ms of 371 with 500 ms).
const WaitPoll = 200 * time.Millisecond

// RolledBackError says swarm rolled a service back to its previous spec
// because the new one failed (typically its health check).
type RolledBackError struct {
	Service, Reason string
	TaskErrors      []string
}

func (e *RolledBackError) Error() string {
	msg := fmt.Sprintf("service %s: the update failed and swarm rolled it back to the previous version: %s", e.Service, e.Reason)
	if len(e.TaskErrors) > 0 {
		msg += "; new tasks: " + strings.Join(e.TaskErrors, "; ")
	}
	return msg
}

// TimeoutError says a rollout did not converge in time.
type TimeoutError struct {
	Service string
	After   time.Duration
	State   string
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("service %s did not converge within %s (%s); raise timeout in the env or see gazr logs", e.Service, e.After, e.State)
}

// Wait polls until every target runs its new spec on all desired tasks,
// printing a line to out whenever a service's progress changes. It fails
// fast when swarm pauses or rolls back an update.
func Wait(ctx context.Context, api SwarmAPI, targets []Target, timeout time.Duration, out io.Writer) error {
	deadline := time.Now().Add(timeout)
	pending := append([]Target(nil), targets...)
	last := map[string]string{}
	why := map[string]string{}
	for len(pending) > 0 {
		var still []Target
		for _, t := range pending {
			done, state, err := checkTarget(ctx, api, t, why)
			if err != nil {
				return err
			}
			if state != last[t.Name] {
				fmt.Fprintf(out, "  %-24s %s\n", t.Name, state)
				last[t.Name] = state
			}
			if !done {
				still = append(still, t)
			}
		}
		pending = still
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return &TimeoutError{Service: pending[0].Name, After: timeout, State: last[pending[0].Name]}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(WaitPoll):
		}
	}
	return nil
}

// checkTarget reports whether t has converged and a one-line state. why
// keeps, per service, swarm's first explanation of a rollback: by the time
// the rollback completes, the update status only says "rollback completed".
func checkTarget(ctx context.Context, api SwarmAPI, t Target, why map[string]string) (bool, string, error) {
	res, err := api.ServiceInspect(ctx, t.ID, client.ServiceInspectOptions{})
	if err != nil {
		return false, "", fmt.Errorf("service %s: %w", t.Name, err)
	}
	svc := res.Service
	update := ""
	if us := svc.UpdateStatus; us != nil && !isStale(us, t.Stale) {
		update = string(us.State)
		if why[t.Name] == "" && us.State != swarm.UpdateStateUpdating && us.State != swarm.UpdateStateCompleted {
			why[t.Name] = us.Message
		}
		switch us.State {
		case swarm.UpdateStateRollbackCompleted, swarm.UpdateStateRollbackPaused, swarm.UpdateStatePaused:
			return false, update, &RolledBackError{Service: t.Name, Reason: rollbackReason(why[t.Name], t), TaskErrors: taskErrors(ctx, api, t)}
		}
	}
	tasks, err := api.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", t.ID).Add("desired-state", "running")})
	if err != nil {
		return false, "", fmt.Errorf("service %s: tasks: %w", t.Name, err)
	}
	running, fresh := 0, 0
	for _, task := range tasks.Items {
		if task.Status.State == swarm.TaskStateRunning {
			running++
			if sameImage(task.Spec.ContainerSpec, t.Image) && runsCurrentSpec(task, svc, t.Since) {
				fresh++
			}
		}
	}
	want := desired(svc, len(tasks.Items))
	state := fmt.Sprintf("%d/%d running the new version", fresh, want)
	if update != "" && update != string(swarm.UpdateStateCompleted) {
		state += ", " + strings.ReplaceAll(update, "_", " ")
	}
	converged := fresh == want && running == want && (update == "" || update == string(swarm.UpdateStateCompleted))
	if !converged {
		return false, state, failEarly(ctx, api, t)
	}
	return true, state, nil
}

// desired is the number of tasks a service should run: its replicas, or
// for a global service the number of tasks swarm scheduled — at least one,
// since a new global service has none scheduled for a moment.
func desired(svc swarm.Service, scheduled int) int {
	if r := svc.Spec.Mode.Replicated; r != nil && r.Replicas != nil {
		return int(*r.Replicas)
	}
	return max(scheduled, 1)
}

func sameImage(cs *swarm.ContainerSpec, image string) bool {
	if cs == nil {
		return false
	}
	got, _, _ := strings.Cut(cs.Image, "@")
	want, _, _ := strings.Cut(image, "@")
	return got == want
}

func rollbackReason(msg string, t Target) string {
	if t.Health != "" {
		msg += fmt.Sprintf(" (health check: %s)", t.Health)
	}
	return msg
}

// taskErrors collects the errors of the service's failed tasks that ran
// the new image, most recent first, deduplicated.
func taskErrors(ctx context.Context, api SwarmAPI, t Target) []string {
	res, err := api.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", t.ID)})
	if err != nil {
		return nil
	}
	tasks := res.Items
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].Status.Timestamp.After(tasks[j].Status.Timestamp) })
	seen := map[string]bool{}
	var out []string
	for _, task := range tasks {
		if !sameImage(task.Spec.ContainerSpec, t.Image) {
			continue
		}
		msg := task.Status.Err
		// A task swarm stopped for being unhealthy says only
		// "task: non-zero exit (137): dockerexec: unhealthy container";
		// its container's last failing probe says why.
		if msg == "" || strings.Contains(msg, "unhealthy") {
			if h := healthFailure(ctx, api, task); h != "" {
				msg = h
			}
		}
		if msg == "" || seen[msg] {
			continue
		}
		seen[msg] = true
		out = append(out, msg)
		if len(out) == 3 {
			break
		}
	}
	return out
}

func isStale(us *swarm.UpdateStatus, stale *time.Time) bool {
	return stale != nil && us.StartedAt != nil && us.StartedAt.Equal(*stale)
}

// healthFailure returns the last failing health probe's output of a
// task's container, when the manager's engine runs it (best effort). A
// probe that answered (exit 1: the app said why) is preferred to one
// ended from outside (exit -1: "Health check exceeded timeout", which a
// loaded machine adds to an app's real failures; 137: killed as swarm
// stopped the container), whichever came last.
func healthFailure(ctx context.Context, api SwarmAPI, task swarm.Task) string {
	cs := task.Status.ContainerStatus
	if cs == nil || cs.ContainerID == "" {
		return ""
	}
	res, err := api.ContainerInspect(ctx, cs.ContainerID, client.ContainerInspectOptions{})
	if err != nil || res.Container.State == nil || res.Container.State.Health == nil {
		return ""
	}
	logs := res.Container.State.Health.Log
	failed, best := -1, 0
	for i := len(logs) - 1; i >= 0; i-- {
		if r := probeRank(logs[i].ExitCode); r > best {
			failed, best = i, r
		}
	}
	if failed < 0 {
		return ""
	}
	msg := fmt.Sprintf("health check failed (exit %d)", logs[failed].ExitCode)
	if out := strings.TrimSpace(logs[failed].Output); out != "" {
		msg += ": " + out
	}
	return msg
}

// probeRank ranks a health probe's exit code for healthFailure: 2 when
// the probe ran to its own end and failed (1–125: the app said why), 1
// when it was ended from outside (-1: the engine's timeout; 126 and up:
// it could not run, or a signal killed it, such as the 137 of a probe
// cut by its container's stop), 0 when it passed.
func probeRank(code int) int {
	switch {
	case code == 0:
		return 0
	case code > 0 && code <= 125:
		return 2
	}
	return 1
}
