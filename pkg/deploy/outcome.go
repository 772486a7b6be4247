package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// ResultInterrupted is the result of a deploy stopped (Ctrl-C, SIGTERM)
// after it updated services that swarm had not finished rolling out.
const ResultInterrupted = "interrupted"

// InterruptedError says which services a deploy had already updated when
// it was stopped, so that nobody believes nothing changed.
type InterruptedError struct {
	Updated []string
	Err     error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("deploy interrupted after updating %s: swarm goes on rolling them out (see gazr status): %v", strings.Join(e.Updated, ", "), e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// ReportOnInterrupt tells pkg/app to print the message even though gazr
// was interrupted, when it says nothing for a plain cancellation.
func (e *InterruptedError) ReportOnInterrupt() bool { return true }

// interrupted wraps a cancellation that happened after targets were
// updated; other errors pass through.
func interrupted(err error, targets []Target) error {
	if !errors.Is(err, context.Canceled) || len(targets) == 0 {
		return err
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.Name
	}
	return &InterruptedError{Updated: names, Err: err}
}

// EdgeError is a failure of the edge proxy after the app's services were
// rolled out: they run the new version, only the routing failed.
type EdgeError struct{ Err error }

func (e *EdgeError) Error() string {
	return "the services run the new version, but the edge proxy failed: " + e.Err.Error()
}

func (e *EdgeError) Unwrap() error { return e.Err }

// AgentError is a failure to install or update the env's agent after the
// app's services were rolled out: they run the new version, only the
// schedule is not applied.
type AgentError struct{ Err error }

func (e *AgentError) Error() string {
	return "the services run the new version, but gazr's agent, which applies the env's schedule, could not be installed: " + e.Err.Error()
}

func (e *AgentError) Unwrap() error { return e.Err }

// outcome is the result and message a deploy's record keeps for err. A
// rollback of the edge is not a rollback of the app, and an interrupted
// deploy whose services swarm finished rolling out has succeeded:
// converged reports that, asked only when it matters.
func outcome(err error, converged func() bool) (result, message string) {
	var (
		edge *EdgeError
		agt  *AgentError
		rb   *RolledBackError
		intr *InterruptedError
	)
	switch {
	case err == nil:
		return ResultSucceeded, ""
	case errors.As(err, &edge), errors.As(err, &agt):
		return ResultFailed, err.Error()
	case errors.As(err, &rb):
		return ResultRolledBack, err.Error()
	case errors.As(err, &intr) && converged():
		return ResultSucceeded, "gazr was interrupted; swarm completed the rollout of " + strings.Join(intr.Updated, ", ")
	case errors.As(err, &intr):
		return ResultInterrupted, err.Error()
	}
	return ResultFailed, err.Error()
}

// allConverged reports whether every target runs its new version now.
func allConverged(ctx context.Context, api SwarmAPI, targets []Target) bool {
	for _, t := range targets {
		done, _, err := checkTarget(ctx, api, t, map[string]string{})
		if err != nil || !done {
			return false
		}
	}
	return true
}

// record keeps in the history what the deploy did: what is true when it
// ends, asked of swarm for an interrupted one.
func record(ctx context.Context, api SwarmAPI, o Options, res *Result, err error, start time.Time, st *convert.Stack, targets []Target) *Record {
	r := &Record{Namespace: res.Namespace, Kind: "deploy", Version: res.Version, Previous: res.Previous, By: whoami(),
		At: start.UTC(), Duration: time.Since(start).Round(time.Millisecond).String()}
	specs, rerr := redactSpecs(st.Services, sensitiveValues(st, o.Env))
	if rerr != nil {
		// Never the unredacted specs: a rollback to this version will
		// say it has nothing to re-apply.
		fmt.Fprintf(o.Out, "warning: the history keeps no service specs of %s: %v\n", res.Version, rerr)
	}
	r.Services = specs
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	r.Result, r.Message = outcome(err, func() bool { return allConverged(rctx, api, targets) })
	r.Message = cutValues(r.Message, sensitiveValues(st, o.Env))
	if rerr := AddRecord(rctx, api, *r); rerr != nil {
		fmt.Fprintf(o.Out, "warning: %v\n", rerr)
	}
	return r
}
