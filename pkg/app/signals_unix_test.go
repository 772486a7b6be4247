//go:build unix

package app

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// TestWithSignals sends SIGTERM to the test process: withSignals has
// registered for it, so it cancels the context instead of ending the
// process, and reports the signal for exitCode.
func TestWithSignals(t *testing.T) {
	ctx, sig := withSignals(context.Background())
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("context not cancelled by SIGTERM")
	}
	if got := sig(); got != syscall.SIGTERM {
		t.Errorf("sig() = %v, want SIGTERM", got)
	}
	if code := exitCode(iostreamsDiscard(), ctx.Err(), sig()); code != ExitTerminated {
		t.Errorf("exit code = %d, want %d", code, ExitTerminated)
	}
}

func TestWithSignalsParentCancelled(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx, sig := withSignals(parent)
	if got := sig(); got != nil {
		t.Errorf("sig() before anything = %v, want nil", got)
	}
	cancel()
	<-ctx.Done()
	if got := sig(); got != nil {
		t.Errorf("sig() after the parent was cancelled = %v, want nil", got)
	}
}
