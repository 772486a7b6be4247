// Package watch re-runs work when a project's files change: a recursive
// file watcher over the project root (fsnotify) that skips ignored paths,
// and a loop that debounces its events into runs, one at a time.
package watch

import (
	"context"
	"time"
)

// Trigger says why a run starts.
type Trigger struct {
	// Initial is the first run, before any change.
	Initial bool
	// Path is the first changed path (relative to the root) since the
	// last run started; More counts the other paths that changed.
	Path string
	More int
}

// changes gathers the paths changed since the last run started.
type changes struct {
	first string
	seen  map[string]bool
}

func (c *changes) add(p string) {
	if c.seen == nil {
		c.first, c.seen = p, map[string]bool{}
	}
	c.seen[p] = true
}

func (c *changes) trigger() Trigger { return Trigger{Path: c.first, More: len(c.seen) - 1} }

// Loop runs run once, then again each time changes arrive on events,
// until ctx is done:
//
//   - a burst of changes is one run, started once no change came for
//     delay (debounce: the wait restarts with every change);
//   - one run at a time: changes during a run trigger exactly one more
//     run after it (debounced in the same way), however many they are;
//   - a run's failure is run's business: Loop goes on.
//
// after makes a timer (time.After; tests pass a fake clock). When ctx is
// done Loop waits for the current run, which sees ctx cancelled, and
// returns ctx's error; it returns nil when events is closed and no run is
// pending.
func Loop(ctx context.Context, events <-chan string, after func(time.Duration) <-chan time.Time, delay time.Duration, run func(context.Context, Trigger)) error {
	done := make(chan struct{})
	start := func(t Trigger) {
		go func() {
			run(ctx, t)
			done <- struct{}{}
		}()
	}
	start(Trigger{Initial: true})
	running := true
	var (
		pending *changes
		timer   <-chan time.Time
	)
	for {
		select {
		case <-ctx.Done():
			if running {
				<-done
			}
			return ctx.Err()
		case p, ok := <-events:
			if !ok {
				events = nil
				if !running && pending == nil {
					return nil
				}
				continue
			}
			if pending == nil {
				pending = &changes{}
			}
			pending.add(p)
			if !running {
				timer = after(delay)
			}
		case <-timer:
			timer = nil
			if pending != nil {
				start(pending.trigger())
				running, pending = true, nil
			}
		case <-done:
			running = false
			switch {
			case pending != nil:
				timer = after(delay)
			case events == nil:
				return nil
			}
		}
	}
}
