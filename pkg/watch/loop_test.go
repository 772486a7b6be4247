package watch

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeClock hands every timer Loop makes to the test, which fires it.
type fakeClock struct{ timers chan chan time.Time }

func newClock() *fakeClock { return &fakeClock{timers: make(chan chan time.Time, 100)} }

func (c *fakeClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.timers <- ch
	return ch
}

// harness runs Loop with runs that report their trigger and wait for the
// test to let them finish.
type harness struct {
	events  chan string
	clock   *fakeClock
	runs    chan Trigger
	release chan struct{}
	result  chan error
}

func start(ctx context.Context, t *testing.T, run func(context.Context, Trigger)) *harness {
	h := &harness{events: make(chan string), clock: newClock(), runs: make(chan Trigger, 10), release: make(chan struct{}), result: make(chan error, 1)}
	if run == nil {
		run = func(_ context.Context, tr Trigger) {
			h.runs <- tr
			<-h.release
		}
	}
	go func() { h.result <- Loop(ctx, h.events, h.clock.After, 300*time.Millisecond, run) }()
	return h
}

func (h *harness) run(t *testing.T) Trigger {
	t.Helper()
	tr := <-h.runs
	return tr
}

func (h *harness) timer(t *testing.T) chan time.Time {
	t.Helper()
	return <-h.clock.timers
}

func (h *harness) noTimer(t *testing.T) {
	t.Helper()
	if n := len(h.clock.timers); n != 0 {
		t.Errorf("%d unexpected timers", n)
	}
}

func (h *harness) end(t *testing.T) {
	t.Helper()
	close(h.events)
	if err := <-h.result; err != nil {
		t.Errorf("Loop = %v, want nil once events are closed", err)
	}
	if n := len(h.runs); n != 0 {
		t.Errorf("%d unexpected runs", n)
	}
}

func TestLoopInitialRun(t *testing.T) {
	h := start(context.Background(), t, nil)
	if tr := h.run(t); !tr.Initial {
		t.Errorf("first run = %+v, want the initial one", tr)
	}
	h.release <- struct{}{}
	h.end(t)
}

// TestLoopDebounce: a burst of changes is one run, once the last timer
// (restarted by each change) fires; earlier timers are stale.
func TestLoopDebounce(t *testing.T) {
	h := start(context.Background(), t, nil)
	h.run(t)
	h.release <- struct{}{}
	h.events <- "a.go"
	first := h.timer(t)
	h.events <- "b.go"
	h.events <- "a.go"
	h.timer(t)
	last := h.timer(t)
	first <- time.Now() // stale: no run
	h.noTimer(t)
	last <- time.Now()
	tr := h.run(t)
	if tr != (Trigger{Path: "a.go", More: 1}) {
		t.Errorf("trigger = %+v, want a.go and 1 more (distinct paths)", tr)
	}
	h.release <- struct{}{}
	h.end(t)
}

// TestLoopChangesDuringRun: any number of changes during a run make
// exactly one run after it, debounced.
func TestLoopChangesDuringRun(t *testing.T) {
	h := start(context.Background(), t, nil)
	h.run(t)
	for _, p := range []string{"a.go", "b.go", "c.go", "a.go"} {
		h.events <- p
	}
	h.noTimer(t) // no timer while a run is on
	h.release <- struct{}{}
	tm := h.timer(t) // made when the run ended
	h.noTimer(t)
	tm <- time.Now()
	if tr := h.run(t); tr != (Trigger{Path: "a.go", More: 2}) {
		t.Errorf("re-run trigger = %+v, want a.go and 2 more", tr)
	}
	h.release <- struct{}{}
	h.end(t)
}

// TestLoopNoChangeNoRun: a run that ends with nothing pending starts no
// timer and no run.
func TestLoopNoChangeNoRun(t *testing.T) {
	h := start(context.Background(), t, nil)
	h.run(t)
	h.release <- struct{}{}
	h.events <- "x"
	h.timer(t) <- time.Now()
	h.run(t)
	h.release <- struct{}{}
	h.end(t)
	h.noTimer(t)
}

// TestLoopCancel: cancelling waits for the current run, which sees the
// context done, then returns the context's error.
func TestLoopCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var order []string
	started := make(chan struct{})
	h := start(ctx, t, func(ctx context.Context, _ Trigger) {
		close(started)
		<-ctx.Done()
		mu.Lock()
		order = append(order, "run stopped")
		mu.Unlock()
	})
	<-started
	cancel()
	err := <-h.result
	mu.Lock()
	order = append(order, "loop returned")
	mu.Unlock()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Loop = %v, want context.Canceled", err)
	}
	if len(order) != 2 || order[0] != "run stopped" {
		t.Errorf("order = %q, want the run to stop before Loop returns", order)
	}
}
