package chaos

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		in       []time.Duration
		pct      int
		wantMS   int
		describe string
	}{
		{nil, 99, 0, "none"},
		{ms(7), 50, 7, "one"},
		{ms(1, 2, 3, 4), 50, 2, "even count: the lower middle"},
		{ms(hundred...), 99, 99, "the 99th of 100"},
		{ms(hundred...), 50, 50, "the 50th of 100"},
		{ms(1, 2, 3, 1000), 99, 1000, "a slow one in 4 is the p99"},
	}
	for _, tt := range tests {
		if got := percentile(tt.in, tt.pct); got != time.Duration(tt.wantMS)*time.Millisecond {
			t.Errorf("%s: p%d = %s, want %dms", tt.describe, tt.pct, got, tt.wantMS)
		}
	}
}

// TestProbe: requests go to every target with its Host and path, at
// about the rate asked; a 5xx and a refused connection count as failed,
// in the phase they were sent in, with their reason.
func TestProbe(t *testing.T) {
	var fail atomic.Bool
	var hosts seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts.add(r.Host + r.URL.Path)
		if fail.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/missing" {
			w.WriteHeader(http.StatusNotFound) // the service's own answer: not a failure
		}
	}))
	defer srv.Close()
	edge := strings.TrimPrefix(srv.URL, "http://")
	p := NewProbe([]Target{{Host: "web.example.com", Path: "/health"}, {Host: "api.example.com", Path: "/missing"}}, []string{edge}, 50)
	p.Start(PhaseBefore)
	time.Sleep(time.Second)
	if !p.Answering(500 * time.Millisecond) {
		t.Errorf("Answering = false while every request succeeds")
	}
	// The phase changes before the server fails: a request sent in the
	// baseline and answered after counts in the baseline.
	p.Phase(PhaseDuring)
	time.Sleep(50 * time.Millisecond)
	fail.Store(true)
	time.Sleep(500 * time.Millisecond)
	if p.Answering(200 * time.Millisecond) {
		t.Errorf("Answering = true while requests fail")
	}
	p.Stop()

	before, during := p.Stats(PhaseBefore), p.Stats(PhaseDuring)
	if before.Requests < 25 || before.Requests > 75 || before.Failed != 0 {
		t.Errorf("before: %+v, want about 50 requests in 1s, none failed", before)
	}
	if during.Requests == 0 || during.Failed < during.Requests-5 {
		t.Errorf("during: %+v, want (almost) every request failed", during)
	}
	if len(during.Errors) == 0 || !strings.HasSuffix(during.Errors[0].Error, "answered 503") {
		t.Errorf("during: reasons %+v, want '… answered 503'", during.Errors)
	}
	if !hosts.has("web.example.com/health") || !hosts.has("api.example.com/missing") {
		t.Errorf("requests reached %v, want both targets with their Host and path", hosts.list())
	}

	// An edge that refuses connections: every request fails, with the reason.
	srv.Close()
	p = NewProbe([]Target{{Host: "web.example.com", Path: "/"}}, []string{edge}, 20)
	p.Start(PhaseDuring)
	time.Sleep(300 * time.Millisecond)
	p.Stop()
	st := p.Stats(PhaseDuring)
	if st.Requests == 0 || st.Failed != st.Requests || !strings.Contains(st.Errors[0].Error, "connection refused") {
		t.Errorf("a closed edge: %+v, want every request failed: connection refused", st)
	}
}

// seen records the Host and path of the requests a server got.
type seen struct {
	mu  sync.Mutex
	got []string
}

func (s *seen) add(h string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, h)
}

func (s *seen) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

func (s *seen) has(h string) bool { return slices.Contains(s.list(), h) }

// TestJudge: the hypothesis holds only when failures, p99 and recovery
// all are within bounds, and each miss says why.
func TestJudge(t *testing.T) {
	hyp := config.DefaultChaos()
	phases := func(failed int, p99 Millis) []PhaseStats {
		return []PhaseStats{{Phase: PhaseBefore, Requests: 10}, {Phase: PhaseDuring, Requests: 20, Failed: failed, P99: p99,
			Errors: []ErrorCount{{Error: "web answered 503", Count: failed}}}, {Phase: PhaseAfter, Requests: 10}}
	}
	r := &Report{Phases: phases(0, 900), Recovered: true, RecoverySeconds: 5}
	judge(r, hyp, "", true)
	if !r.Held || len(r.Why) != 0 {
		t.Errorf("within bounds: held=%v why=%v, want held", r.Held, r.Why)
	}
	r = &Report{Phases: phases(3, 2500), Recovered: false}
	judge(r, hyp, "web runs 1 of 3", true)
	want := []string{"3 of 30 requests failed from the fault on, 0 allowed (web answered 503)", "p99 2.50s during the fault, above the bound 2.00s", "not recovered within 2m0s: web runs 1 of 3"}
	if r.Held || strings.Join(r.Why, "|") != strings.Join(want, "|") {
		t.Errorf("out of bounds: held=%v why=%q, want not held: %q", r.Held, r.Why, want)
	}
	if why := steady(PhaseStats{Requests: 10, Failed: 1, Errors: []ErrorCount{{Error: "x", Count: 1}}}, hyp); why != "1 of 10 requests failed (x)" {
		t.Errorf("a baseline with a failure: %q", why)
	}
}
