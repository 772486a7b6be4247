package chaos

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Target is one thing the probe requests: a routed service's path,
// asked of an edge with the service's Host.
type Target struct {
	// Service is the swarm service ("shop-staging_web"), for messages.
	Service string `json:"service"`
	// Host is the Host header the edge routes on.
	Host string `json:"host"`
	// Path is the service's health path, else the env's chaos probe.
	Path string `json:"path"`
}

// Phases of an experiment, as the probe counts them.
const (
	PhaseBefore = "before"
	PhaseDuring = "during"
	PhaseAfter  = "after"
)

// ProbeTimeout is how long one request may take before it counts as
// failed.
const ProbeTimeout = 5 * time.Second

// Probe sends requests at a fixed rate, round-robin over its targets and
// edges, and counts their outcomes in the current phase (the phase a
// request was sent in, whenever it ends).
type Probe struct {
	targets []Target
	edges   []string
	every   time.Duration
	client  *http.Client

	mu     sync.Mutex
	phase  string
	phases map[string]*samples
	// lastFailed is when the last request that failed was sent;
	// lastOK when the last one that succeeded was; inflight the send
	// times of the requests not answered yet.
	lastFailed, lastOK time.Time
	inflight           map[uint64]time.Time
	seq                uint64
	wg                 sync.WaitGroup
	stop               context.CancelFunc
	done               chan struct{}
}

type samples struct {
	requests, failed int
	latencies        []time.Duration
	reasons          map[string]int
}

// NewProbe returns a probe of targets through edges ("10.0.0.5:80"), at
// rate requests per second in all. It sends nothing until Start.
func NewProbe(targets []Target, edges []string, rate int) *Probe {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &Probe{
		targets: targets, edges: edges, every: time.Second / time.Duration(max(rate, 1)),
		client: &http.Client{Transport: tr, Timeout: ProbeTimeout,
			// A redirect is the service's answer, not a failure.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		phases: map[string]*samples{}, inflight: map[uint64]time.Time{},
	}
}

// Start sends requests until Stop, counting them in phase.
func (p *Probe) Start(phase string) {
	p.Phase(phase)
	if len(p.targets) == 0 || len(p.edges) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.stop, p.done = cancel, make(chan struct{})
	go func() {
		defer close(p.done)
		tick := time.NewTicker(p.every)
		defer tick.Stop()
		for i := 0; ; i++ {
			t, e := p.targets[i%len(p.targets)], p.edges[(i/len(p.targets))%len(p.edges)]
			p.mu.Lock()
			s := p.current()
			p.mu.Unlock()
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.send(ctx, s, t, e)
			}()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// Phase makes the requests sent from now on count in phase.
func (p *Probe) Phase(phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = phase
	p.current()
}

func (p *Probe) current() *samples {
	s := p.phases[p.phase]
	if s == nil {
		s = &samples{reasons: map[string]int{}}
		p.phases[p.phase] = s
	}
	return s
}

// Stop stops sending and waits for the requests in flight (at most
// ProbeTimeout).
func (p *Probe) Stop() {
	if p.stop == nil {
		return
	}
	p.stop()
	<-p.done
	p.wg.Wait()
	p.stop = nil
}

func (p *Probe) send(ctx context.Context, s *samples, t Target, edge string) {
	start := time.Now()
	p.mu.Lock()
	p.seq++
	id := p.seq
	p.inflight[id] = start
	p.mu.Unlock()
	reason := ""
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, "http://"+edge+t.Path, nil)
	if err == nil {
		req.Host = t.Host
		var res *http.Response
		res, err = p.client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode >= 500 {
				reason = fmt.Sprintf("%s answered %d", t.Host, res.StatusCode)
			}
		}
	}
	if err != nil {
		reason = t.Host + ": " + shortError(err)
	}
	took := time.Since(start)
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inflight, id)
	s.requests++
	s.latencies = append(s.latencies, took)
	if reason != "" {
		s.failed++
		s.reasons[reason]++
		p.lastFailed = later(p.lastFailed, start)
	} else {
		p.lastOK = later(p.lastOK, start)
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Answering says whether the services answer through the edge again:
// requests sent in the last window succeeded, none failed, and none sent
// before it is still waiting for its answer (an edge that hangs: those
// fail only at ProbeTimeout). With no target, there is nothing to wait
// for. Swarm counts a replacement task as running before the edge sends
// it requests.
func (p *Probe) Answering(window time.Duration) bool {
	if len(p.targets) == 0 || len(p.edges) == 0 {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	since := time.Now().Add(-window)
	for _, sent := range p.inflight {
		if sent.Before(since) {
			return false
		}
	}
	return p.lastOK.After(since) && p.lastFailed.Before(since)
}

// Stats returns what the probe counted in phase.
func (p *Probe) Stats(phase string) PhaseStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := PhaseStats{Phase: phase}
	s := p.phases[phase]
	if s == nil {
		return st
	}
	st.Requests, st.Failed = s.requests, s.failed
	lat := slices.Clone(s.latencies)
	slices.Sort(lat)
	st.P50, st.P99 = millis(percentile(lat, 50)), millis(percentile(lat, 99))
	for r, n := range s.reasons {
		st.Errors = append(st.Errors, ErrorCount{Error: r, Count: n})
	}
	slices.SortFunc(st.Errors, func(a, b ErrorCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Error, b.Error)
	})
	return st
}

// percentile is the nearest-rank percentile of sorted durations; 0 for
// none.
func percentile(sorted []time.Duration, pct int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (pct*len(sorted) + 99) / 100 // ceil(pct/100 × n)
	return sorted[max(rank, 1)-1]
}

// shortError is the end of a transport error that says what happened
// ("connection refused", "timeout awaiting response headers"), without
// the URL Go's client puts first.
func shortError(err error) string {
	msg := err.Error()
	for _, sep := range []string{": dial tcp ", "\": "} {
		if i := strings.LastIndex(msg, sep); i >= 0 {
			msg = msg[i+len(sep):]
		}
	}
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return msg
}
