package edge

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"sync"
	"time"
)

// load sends GETs through the edge from a few workers, each on its own
// keep-alive connection, and tallies the answers by phase: a request
// counts in the phase current when it was sent.
type load struct {
	base, host string
	client     *http.Client

	mu     sync.Mutex
	phases []*phaseStats
	seen   map[string]bool // tasks that ever answered

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type phaseStats struct {
	name          string
	start         time.Time
	dur           time.Duration
	total, failed int
	slowest       time.Duration
	byTask        map[string]int
	errors        []string // the first few failures
}

func newLoad(base, host string) *load {
	return &load{
		base: base, host: host, seen: map[string]bool{},
		client: &http.Client{
			Timeout:   15 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true},
		},
	}
}

// get sends one request and returns the name of the task that answered.
func (l *load) get(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.base+"/", nil)
	if err != nil {
		return "", err
	}
	req.Host = l.host
	resp, err := l.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body := readAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %q", resp.Status, body)
	}
	l.mu.Lock()
	l.seen[body] = true
	l.mu.Unlock()
	return body, nil
}

// waitFor sends requests, before the load starts, until every task named
// has answered.
func (l *load) waitFor(ctx context.Context, timeout time.Duration, tasks ...string) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		_, last = l.get(ctx)
		if l.allSeen(tasks) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %v, seen %v; last error: %v", timeout, l.seenTasks(), last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitSeen waits, while the load runs, until task has answered.
func (l *load) waitSeen(ctx context.Context, timeout time.Duration, task string) error {
	deadline := time.Now().Add(timeout)
	for !l.allSeen([]string{task}) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s got no request within %v", task, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

func (l *load) allSeen(tasks []string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range tasks {
		if !l.seen[t] {
			return false
		}
	}
	return true
}

func (l *load) seenTasks() map[string]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.seen)
}

// start starts workers sending a request every 2ms or so each, for at most
// max. Call phase first.
func (l *load) start(ctx context.Context, workers int, max time.Duration) {
	ctx, l.cancel = context.WithTimeout(ctx, max)
	for range workers {
		l.wg.Go(func() {
			for ctx.Err() == nil {
				l.mu.Lock()
				p := l.phases[len(l.phases)-1]
				l.mu.Unlock()
				t0 := time.Now()
				task, err := l.get(ctx)
				if ctx.Err() != nil {
					return // cut short by stop: not an answer
				}
				l.record(p, t0, task, err)
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
}

func (l *load) record(p *phaseStats, t0 time.Time, task string, err error) {
	d := time.Since(t0)
	l.mu.Lock()
	defer l.mu.Unlock()
	p.total++
	p.slowest = max(p.slowest, d)
	if err != nil {
		p.failed++
		if len(p.errors) < 5 {
			p.errors = append(p.errors, fmt.Sprintf("+%.3fs (%v): %v", t0.Sub(p.start).Seconds(), d.Round(time.Millisecond), err))
		}
		return
	}
	p.byTask[task]++
}

// phase starts a new phase.
func (l *load) phase(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if n := len(l.phases); n > 0 {
		l.phases[n-1].dur = now.Sub(l.phases[n-1].start)
	}
	l.phases = append(l.phases, &phaseStats{name: name, start: now, byTask: map[string]int{}})
}

// stop stops the load and returns the phases' tallies.
func (l *load) stop() []phaseStats {
	l.cancel()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	last := l.phases[len(l.phases)-1]
	last.dur = time.Since(last.start)
	out := make([]phaseStats, len(l.phases))
	for i, p := range l.phases {
		out[i] = *p
	}
	return out
}
