package chaos

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/deploy/edge"
)

// Results of an experiment in the stack's history.
const (
	ResultHeld        = "held"
	ResultNotHeld     = "not held"
	ResultAborted     = "aborted"
	ResultInterrupted = "interrupted"
)

// Options are the inputs of Run.
type Options struct {
	Backend deploy.Backend
	// API is a manager of the env's swarm (from Backend.Manager).
	API       deploy.SwarmAPI
	Env       *config.Environment
	Namespace string
	// Experiment is the fault; Choose narrows what it hits.
	Experiment Experiment
	Choose     ChooseOptions
	// DryRun: choose, apply the guardrails, report what would be hit,
	// and change nothing.
	DryRun bool
	// Out receives progress, a line per step.
	Out io.Writer
	// Poll is how often recovery is checked; default 500ms. NodeWait
	// bounds the wait for a node brought back; default 5m.
	Poll, NodeWait time.Duration
}

// InterruptedError: gazr was interrupted after the fault; the error says
// what was done to undo it.
type InterruptedError struct{ Msg string }

func (e *InterruptedError) Error() string           { return e.Msg }
func (e *InterruptedError) ReportOnInterrupt() bool { return true }

// Run runs one experiment and returns its report; an error means it could
// not run (a guardrail's *RefusedError, an unreachable API, an
// interruption), not that the hypothesis failed: see Report.Held.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.Poll, o.NodeWait = cmp.Or(o.Poll, 500*time.Millisecond), cmp.Or(o.NodeWait, 5*time.Minute)
	hyp := o.Env.Chaos
	if !hyp.Enabled {
		return nil, refuse("env %s forbids chaos experiments (enabled = false in [env.%s.chaos])", o.Env.Name, o.Env.Name)
	}
	snap, err := TakeSnapshot(ctx, o.API, o.Namespace)
	if err != nil {
		return nil, err
	}
	choice, err := Choose(o.Experiment, snap, o.Choose)
	if err != nil {
		return nil, err
	}
	r := &Report{
		Env: o.Env.Name, Namespace: o.Namespace, Experiment: o.Experiment.Name, Target: choice.Describe(snap), DryRun: o.DryRun,
		Hypothesis: Hypothesis{MaxFailed: hyp.MaxFailed, MaxP99: millis(hyp.MaxP99), MaxRecoverySeconds: hyp.MaxRecovery.Seconds(),
			Rate: hyp.Rate, BaselineSeconds: hyp.Baseline.Seconds()},
		Probed: Targets(snap.Services, hyp.Probe), Edges: Edges(snap.Nodes, o.Env.EdgePort),
		Phases: []PhaseStats{}, Why: []string{},
	}
	if o.DryRun {
		return r, nil
	}
	lock, err := deploy.AcquireLock(ctx, o.API, o.Namespace, "chaos", false)
	var locked *deploy.LockedError
	if errors.As(err, &locked) {
		return nil, refuse("%s is locked: %s by %s since %s: experiments never run beside a deploy; try again once it is done",
			o.Namespace, locked.Owner.Action, locked.Owner.Holder, locked.Owner.Since.Local().Format("15:04:05"))
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := lock.Release(); err != nil {
			fmt.Fprintf(o.Out, "warning: %v\n", err)
		}
	}()
	start := time.Now()
	hit, err := run(ctx, o, choice, r)
	if hit || r.Aborted {
		record(o, r, start, snap, hit, err)
	}
	return r, err
}

// run measures, injects, waits, restores and measures again; hit says
// whether the fault was injected.
func run(ctx context.Context, o Options, choice *Choice, r *Report) (hit bool, err error) {
	hyp := o.Env.Chaos
	p := NewProbe(r.Probed, r.Edges, hyp.Rate)
	defer p.Stop()
	if len(r.Probed) == 0 {
		fmt.Fprintf(o.Out, "no routed service in %s: the probe has nothing to request, only recovery is tested (routing needs domain in [env.%s] and a published port)\n", o.Namespace, o.Env.Name)
	}
	fmt.Fprintf(o.Out, "baseline: probing %d service(s) through %d edge(s) at %d req/s for %s\n", len(r.Probed), len(r.Edges), hyp.Rate, hyp.Baseline)
	p.Start(PhaseBefore)
	if err := deploy.Sleep(ctx, hyp.Baseline); err != nil {
		return false, err
	}
	p.Phase(PhaseDuring)
	before := p.Stats(PhaseBefore)
	r.Phases = append(r.Phases, before)
	if why := steady(before, hyp); why != "" {
		r.Aborted = true
		r.Why = append(r.Why, "the steady state did not hold before the fault: "+why+"; nothing was hit")
		return false, nil
	}
	t0 := time.Now()
	fault, err := inject(ctx, o, choice)
	var refused *RefusedError
	switch {
	case errors.As(err, &refused):
		// Nothing was hit: the backend said so before acting.
		return false, err
	case err != nil && choice.Node != nil:
		// The node may be out already (interrupted while its machine
		// stopped, an answer lost): bring it back all the same.
		r.Aborted = true
		r.Restored, _ = restore(context.WithoutCancel(ctx), o, choice, false)
		r.Phases = append(r.Phases, p.Stats(PhaseDuring))
		msg := fmt.Sprintf("%s: %v; %s", what(choice), err, r.Restored)
		r.Why = append(r.Why, msg)
		fmt.Fprintf(o.Out, "node: %s\n", r.Restored)
		return true, &InterruptedError{Msg: msg}
	case err != nil:
		return false, err
	}
	// The report names what was hit: kill-task may have skipped tasks on
	// nodes the backend cannot reach.
	r.Target = choice.Describe(choice.snap)
	fmt.Fprintf(o.Out, "fault: %s\n", fault)
	left, waitErr := awaitRecovery(ctx, o, choice, t0, p)
	r.RecoverySeconds = time.Since(t0).Seconds()
	r.Recovered = waitErr == nil && left == ""
	if r.Recovered {
		fmt.Fprintf(o.Out, "recovered: every service back to its replicas after %.1fs\n", r.RecoverySeconds)
	}
	// The fault is undone whatever happened: an interruption does not
	// leave a node stopped or drained.
	var restored bool
	r.Restored, restored = restore(context.WithoutCancel(ctx), o, choice, ctx.Err() == nil)
	if r.Restored != "" {
		fmt.Fprintf(o.Out, "node: %s\n", r.Restored)
	}
	if waitErr != nil {
		r.Aborted = true
		r.Phases = append(r.Phases, p.Stats(PhaseDuring))
		msg := fmt.Sprintf("interrupted after the fault (%s)", fault)
		if r.Restored != "" {
			msg += "; " + r.Restored
		}
		r.Why = append(r.Why, msg)
		return true, &InterruptedError{Msg: msg}
	}
	p.Phase(PhaseAfter)
	fmt.Fprintf(o.Out, "after: probing for %s\n", hyp.Baseline)
	afterErr := deploy.Sleep(ctx, hyp.Baseline)
	p.Stop()
	during, after := p.Stats(PhaseDuring), p.Stats(PhaseAfter)
	r.Phases = append(r.Phases, during, after)
	judge(r, hyp, left, restored)
	if afterErr != nil {
		r.Aborted = true
		return true, &InterruptedError{Msg: "interrupted while measuring the steady state after recovery; " + r.Summary()}
	}
	return true, nil
}

// what names what a choice hits, for messages.
func what(choice *Choice) string { return choice.Experiment.Name + " " + choice.Describe(choice.snap) }

// steady says why a baseline does not hold, "" when it does.
func steady(s PhaseStats, hyp config.Chaos) string {
	switch {
	case s.Failed > hyp.MaxFailed:
		return fmt.Sprintf("%d of %d requests failed (%s)", s.Failed, s.Requests, firstError(s))
	case s.P99 > millis(hyp.MaxP99):
		return fmt.Sprintf("p99 %s is above the bound %s", s.P99, millis(hyp.MaxP99))
	}
	return ""
}

// judge sets r.Held and r.Why from the figures, and from whether the
// node taken out came back (restored).
func judge(r *Report, hyp config.Chaos, left string, restored bool) {
	d, a := r.Phase(PhaseDuring), r.Phase(PhaseAfter)
	if failed := d.Failed + a.Failed; failed > hyp.MaxFailed {
		first := d
		if d.Failed == 0 {
			first = a
		}
		r.Why = append(r.Why, fmt.Sprintf("%d of %d requests failed from the fault on, %d allowed (%s)", failed, d.Requests+a.Requests, hyp.MaxFailed, firstError(first)))
	}
	if d.P99 > millis(hyp.MaxP99) {
		r.Why = append(r.Why, fmt.Sprintf("p99 %s during the fault, above the bound %s", d.P99, millis(hyp.MaxP99)))
	}
	if !r.Recovered {
		r.Why = append(r.Why, fmt.Sprintf("not recovered within %s: %s", hyp.MaxRecovery, left))
	}
	if !restored {
		r.Why = append(r.Why, "the node taken out did not come back: "+r.Restored)
	}
	r.Held = len(r.Why) == 0
}

func firstError(s PhaseStats) string {
	if len(s.Errors) == 0 {
		return "no reason recorded"
	}
	return s.Errors[0].Error
}

// inject hits choice and says what it did.
func inject(ctx context.Context, o Options, c *Choice) (string, error) {
	switch c.Experiment.Name {
	case "kill-task":
		var skipped []string
		for _, t := range c.Tasks {
			err := o.Backend.StopTask(ctx, t.ID)
			if errors.Is(err, deploy.ErrNotSupported) {
				skipped = append(skipped, err.Error())
				continue
			}
			if err != nil {
				return "", fmt.Errorf("kill task %s.%d: %w", c.Service.Spec.Name, t.Slot, err)
			}
			c.Tasks = []swarm.Task{t}
			return fmt.Sprintf("killed task %s.%d (%s) on node %s", c.Service.Spec.Name, t.Slot, shortID(t.ID), c.nodeName(t.NodeID)), nil
		}
		return "", refuse("the %s backend cannot reach the node of any task of %s: %s", o.Backend.Name(), c.Service.Spec.Name, skipped[0])
	case "kill-node":
		if err := o.Backend.StopNode(ctx, c.Node.ID); err != nil {
			if errors.Is(err, deploy.ErrNotSupported) {
				return "", refuse("the %s backend cannot take a node out: %v", o.Backend.Name(), err)
			}
			return "", fmt.Errorf("stop node %s: %w", NodeName(c.Node), err)
		}
		return "stopped node " + NodeName(c.Node), nil
	case "drain-node":
		if err := deploy.DrainNode(ctx, o.API, c.Node.ID); err != nil {
			return "", err
		}
		return "drained node " + NodeName(c.Node), nil
	}
	return "", fmt.Errorf("unknown experiment %q", c.Experiment.Name)
}

// AnswerWindow is how long the probe must see only successes for the
// services to count as answering again.
const AnswerWindow = time.Second

// awaitRecovery waits until every replicated service of the stack runs its
// desired replicas again, without the task killed and off the node taken
// out, and the probe sees them answer again, for at most the hypothesis'
// bound. It returns what is still missing when the bound passed ("" when
// recovered), and ctx's error.
func awaitRecovery(ctx context.Context, o Options, c *Choice, t0 time.Time, p *Probe) (string, error) {
	deadline := t0.Add(o.Env.Chaos.MaxRecovery)
	left := "not checked"
	for {
		snap, err := TakeSnapshot(ctx, o.API, o.Namespace)
		switch {
		case ctx.Err() != nil:
			return left, ctx.Err()
		case err != nil:
			left = err.Error()
		default:
			left = missing(snap, c)
		}
		if left == "" && !p.Answering(AnswerWindow) {
			left = "requests through the edge still fail"
		}
		if left == "" {
			return "", nil
		}
		if time.Now().After(deadline) {
			return left, nil
		}
		if err := deploy.Sleep(ctx, o.Poll); err != nil {
			return left, err
		}
	}
}

// missing says which services do not run their replicas yet, "" when
// all do.
func missing(s *Snapshot, c *Choice) string {
	off := ""
	if c.Node != nil {
		off = c.Node.ID
	}
	var out []string
	for _, svc := range s.Services {
		rep := svc.Spec.Mode.Replicated
		if rep == nil || rep.Replicas == nil {
			continue
		}
		tasks := s.running(svc.ID, off)
		if c.Service != nil && svc.ID == c.Service.ID {
			tasks = slices.DeleteFunc(tasks, func(t swarm.Task) bool { return t.ID == c.Tasks[0].ID })
		}
		if uint64(len(tasks)) < *rep.Replicas {
			out = append(out, fmt.Sprintf("%s runs %d of %d", s.short(svc.Spec.Name), len(tasks), *rep.Replicas))
		}
	}
	return strings.Join(out, ", ")
}

// restore brings a node taken out back, and says how it went, and
// whether it is back (true for a task: nothing to bring back). Without
// wait (gazr was interrupted), it starts the node's machine and does not
// wait for the node to be ready.
func restore(ctx context.Context, o Options, c *Choice, wait bool) (string, bool) {
	if c.Node == nil {
		return "", true
	}
	name := NodeName(c.Node)
	if c.Experiment.Name == "drain-node" {
		if err := deploy.ActivateNode(ctx, o.API, c.Node.ID); err != nil {
			return fmt.Sprintf("%s is still drained: %v; make it active with docker node update --availability active %s", name, err, name), false
		}
		return name + " is active again", true
	}
	if !o.Backend.Properties().StartNode {
		return fmt.Sprintf("the %s backend cannot start nodes: bring %s back yourself", o.Backend.Name(), name), false
	}
	t0 := time.Now()
	if err := o.Backend.StartNode(ctx, c.Node.ID); err != nil {
		return fmt.Sprintf("%s could not be brought back: %v; start it yourself (gazr cluster status shows it)", name, err), false
	}
	if !wait {
		return fmt.Sprintf("%s was started again; gazr cluster status shows when it is ready", name), false
	}
	wctx, cancel := context.WithTimeout(ctx, o.NodeWait)
	defer cancel()
	for {
		res, err := o.API.NodeInspect(wctx, c.Node.ID, client.NodeInspectOptions{})
		if err == nil && active(res.Node) {
			return fmt.Sprintf("%s is back (ready %.1fs after it was started)", name, time.Since(t0).Seconds()), true
		}
		if deploy.Sleep(wctx, o.Poll) != nil {
			return fmt.Sprintf("%s was started but is not ready after %s; see gazr cluster status", name, o.NodeWait), false
		}
	}
}

// record adds the experiment to the stack's history; a failure to is a
// warning, not the experiment's.
func record(o Options, r *Report, start time.Time, snap *Snapshot, hit bool, err error) {
	result := ResultNotHeld
	switch {
	case hit && err != nil:
		result = ResultInterrupted
	case r.Aborted:
		result = ResultAborted
	case r.Held:
		result = ResultHeld
	}
	rec := deploy.Record{Namespace: o.Namespace, Kind: "chaos", Version: deploy.VersionOf(snap.Services), By: deploy.Whoami(),
		At: start.UTC(), Duration: time.Since(start).Round(time.Millisecond).String(), Result: result, Message: r.Summary()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := deploy.AddRecord(ctx, o.API, rec); err != nil {
		fmt.Fprintf(o.Out, "warning: %v\n", err)
	}
}

// Targets are the routed services of a stack, each with its health path,
// else probe.
func Targets(services []swarm.Service, probe string) []Target {
	var out []Target
	for _, s := range services {
		host := s.Spec.Labels[convert.LabelRouteHost]
		if host == "" {
			continue
		}
		path := s.Spec.Labels[edge.LabelRouteHealth]
		if path == "" {
			path = probe
		}
		out = append(out, Target{Service: s.Spec.Name, Host: host, Path: path})
	}
	slices.SortFunc(out, func(a, b Target) int { return strings.Compare(a.Host, b.Host) })
	return out
}

// Edges are the addresses of the env's edge: port on every ready manager
// (the edge runs on the managers, published in host mode).
func Edges(nodes []swarm.Node, port int) []string {
	var out []string
	for _, n := range nodes {
		if n.ManagerStatus == nil || n.Status.State != swarm.NodeStateReady {
			continue
		}
		addr := n.Status.Addr
		if addr == "" || addr == "0.0.0.0" {
			addr, _, _ = net.SplitHostPort(n.ManagerStatus.Addr)
		}
		if addr != "" {
			out = append(out, net.JoinHostPort(addr, strconv.Itoa(port)))
		}
	}
	slices.Sort(out)
	return out
}

func shortID(id string) string { return id[:min(len(id), 12)] }
