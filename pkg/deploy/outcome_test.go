package deploy

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestOutcome: what a deploy's record says is what is true (issue 9: an
// interrupted deploy that swarm finished was recorded failed; an edge
// failure was recorded, and reported, as the app rolled back).
func TestOutcome(t *testing.T) {
	intr := interrupted(context.Canceled, []Target{{Name: "shop_web"}})
	rb := &RolledBackError{Service: "gazr-edge", Reason: "update paused"}
	tests := []struct {
		name      string
		err       error
		converged bool
		want      string
	}{
		{name: "success", want: ResultSucceeded},
		{name: "rolled back", err: fmt.Errorf("x: %w", &RolledBackError{Service: "shop_web"}), want: ResultRolledBack},
		{name: "edge rolled back is a failure", err: &EdgeError{Err: rb}, want: ResultFailed},
		{name: "interrupted, swarm finished", err: intr, converged: true, want: ResultSucceeded},
		{name: "interrupted, still rolling", err: intr, want: ResultInterrupted},
		{name: "cancelled before any update", err: interrupted(context.Canceled, nil), converged: true, want: ResultFailed},
		{name: "other", err: errors.New("boom"), converged: true, want: ResultFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := outcome(tt.err, func() bool { return tt.converged })
			if got != tt.want {
				t.Errorf("outcome(%v) = %q, want %q", tt.err, got, tt.want)
			}
			if (tt.err == nil) != (msg == "") {
				t.Errorf("outcome(%v) message = %q", tt.err, msg)
			}
		})
	}
}

func TestInterruptedSaysWhat(t *testing.T) {
	err := interrupted(fmt.Errorf("wait: %w", context.Canceled), []Target{{Name: "shop_web"}, {Name: "shop_worker"}})
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted() = %#v, want an *InterruptedError wrapping context.Canceled", err)
	}
	if want := "deploy interrupted after updating shop_web, shop_worker: swarm goes on rolling them out (see gazr status): wait: context canceled"; err.Error() != want {
		t.Errorf("message = %q\nwant      %q", err, want)
	}
	var edge *EdgeError
	if errors.As(&EdgeError{Err: errors.New("x")}, &edge); edge.Error() != "the services run the new version, but the edge proxy failed: x" {
		t.Errorf("EdgeError = %q", edge)
	}
}
