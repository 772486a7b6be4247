// Package load sends a steady stream of HTTP requests to a service and
// counts what fails: the yardstick of gazr's zero-downtime deploys, used
// by the deploy and edge tests and by the benchmarks alike.
//
// A loop's requests can be split into named phases (steady, a task added,
// a task killed…): each request counts in the phase current when it was
// sent.
package load

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxErrors is how many failures a Stats keeps the text of.
const maxErrors = 5

// Stats count the requests of a run or of one of its phases.
type Stats struct {
	// Name is the phase's name ("" for a whole run, or for a run's first
	// phase unless Options.Phase names it).
	Name             string
	Requests, Failed int
	// Bodies counts successful responses by body, trimmed (e.g. per
	// version, or per task answering).
	Bodies map[string]int
	// Errors holds the first few failures: the time the request was sent,
	// its offset in the phase, how long it took, and what went wrong.
	Errors []string
	// Slowest is the longest request, successful or not.
	Slowest time.Duration
	Took    time.Duration
	// Phases are the run's phases in order, the first one starting with
	// the run (a whole run only; nil in a phase's own Stats).
	Phases []Stats
}

func (s Stats) String() string {
	return fmt.Sprintf("%d requests, %d failed (%.0f req/s, slowest %s)", s.Requests, s.Failed,
		float64(s.Requests)/s.Took.Seconds(), s.Slowest.Round(time.Millisecond))
}

// Options tune a loop. The zero value is 4 workers, a 5 s timeout per
// request, and a loop that stops by itself after 10 minutes.
type Options struct {
	Workers int
	// Timeout bounds each request; one that takes longer fails.
	Timeout time.Duration
	// Max is how long the loop runs at most: it stops by itself then.
	Max time.Duration
	// Phase names the first phase.
	Phase string
}

// Loop sends GET url (with Host set when not empty) from workers
// goroutines, one request after another, until Stop.
type Loop struct {
	url, host string
	client    *http.Client
	cancel    context.CancelFunc
	done      chan struct{}
	start     time.Time

	mu     sync.Mutex
	phases []*phase
	took   time.Duration // the whole run's, once stopped
}

// phase is a phase's stats and when it started.
type phase struct {
	Stats
	start time.Time
}

// Start begins a loop of workers that stops by itself after max. A
// request fails on a transport error, a status other than 200, or after
// 5 s.
func Start(url, host string, workers int, max time.Duration) *Loop {
	return StartWith(context.Background(), url, host, Options{Workers: workers, Max: max})
}

// StartWith begins a loop tuned by o, that stops by itself when ctx ends
// or after o.Max.
func StartWith(ctx context.Context, url, host string, o Options) *Loop {
	o = o.withDefaults()
	start := time.Now() // before the deadline is set: Took is never under Max
	ctx, cancel := context.WithTimeout(ctx, o.Max)
	l := &Loop{
		url: url, host: host, cancel: cancel, done: make(chan struct{}), start: start,
		client: &http.Client{Timeout: o.Timeout, Transport: &http.Transport{MaxIdleConnsPerHost: o.Workers, DisableCompression: true}},
	}
	l.phases = []*phase{newPhase(o.Phase, l.start)}
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				l.one(ctx)
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
	go func() {
		wg.Wait()
		l.mu.Lock()
		l.took = time.Since(l.start)
		l.mu.Unlock()
		l.client.CloseIdleConnections()
		close(l.done)
	}()
	return l
}

func (o Options) withDefaults() Options {
	if o.Workers < 1 {
		o.Workers = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Max <= 0 {
		o.Max = 10 * time.Minute
	}
	return o
}

func newPhase(name string, start time.Time) *phase {
	return &phase{Stats: Stats{Name: name, Bodies: map[string]int{}}, start: start}
}

// one sends a request and counts it in the phase current when it was sent.
func (l *Loop) one(ctx context.Context) {
	l.mu.Lock()
	p := l.phases[len(l.phases)-1]
	l.mu.Unlock()
	t0 := time.Now()
	body, err := get(ctx, l.client, l.url, l.host)
	if ctx.Err() != nil {
		return // the loop is stopping: this request does not count
	}
	d := time.Since(t0)
	l.mu.Lock()
	defer l.mu.Unlock()
	p.Requests++
	p.Slowest = max(p.Slowest, d)
	if err != nil {
		p.Failed++
		if len(p.Errors) < maxErrors {
			p.Errors = append(p.Errors, fmt.Sprintf("%s +%.3fs (took %s): %v",
				t0.Format("15:04:05.000"), t0.Sub(p.start).Seconds(), d.Round(time.Millisecond), err))
		}
		return
	}
	p.Bodies[body]++
}

// Phase ends the current phase and starts one called name: requests sent
// from now on count in it.
func (l *Loop) Phase(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	cur := l.phases[len(l.phases)-1]
	cur.Took = now.Sub(cur.start)
	l.phases = append(l.phases, newPhase(name, now))
}

// Done is closed once the loop has stopped: by Stop, by itself after
// Options.Max, or when its context ended.
func (l *Loop) Done() <-chan struct{} { return l.done }

// WaitBody waits until a response of the loop said body, for up to
// timeout (or until ctx ends).
func (l *Loop) WaitBody(ctx context.Context, timeout time.Duration, body string) error {
	deadline := time.Now().Add(timeout)
	for !l.answered(body) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("no response said %q within %s", body, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

func (l *Loop) answered(body string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.phases {
		if p.Bodies[body] > 0 {
			return true
		}
	}
	return false
}

// Stop ends the loop, waits for its workers, and returns its stats: the
// totals, and each phase's. Stop may be called again (it returns the same
// stats), and after the loop stopped by itself.
func (l *Loop) Stop() Stats {
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	last := l.phases[len(l.phases)-1]
	last.Took = l.start.Add(l.took).Sub(last.start)
	total := Stats{Bodies: map[string]int{}, Took: l.took}
	for _, p := range l.phases {
		total.Requests += p.Requests
		total.Failed += p.Failed
		total.Slowest = max(total.Slowest, p.Slowest)
		for b, n := range p.Bodies {
			total.Bodies[b] += n
		}
		if room := maxErrors - len(total.Errors); room > 0 {
			total.Errors = append(total.Errors, p.Errors[:min(room, len(p.Errors))]...)
		}
		ps := p.Stats
		ps.Bodies, ps.Errors = maps.Clone(ps.Bodies), slices.Clone(ps.Errors)
		total.Phases = append(total.Phases, ps)
	}
	return total
}

// trim is how bodies are compared: without surrounding blanks.
func trim(b []byte) string { return strings.TrimSpace(string(b)) }
