package load

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// server is an httptest server on loopback that answers what body says,
// with status, and counts the requests it got and the Host they named.
type server struct {
	*httptest.Server
	hits   atomic.Int64
	mu     sync.Mutex
	body   string
	status int
	delay  time.Duration
	hosts  map[string]int
}

func newServer(t *testing.T, body string) *server {
	s := &server{body: body, status: http.StatusOK, hosts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		body, status, delay := s.body, s.status, s.delay
		s.hosts[r.Host]++
		s.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(status)
		fmt.Fprintln(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) set(body string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.status = body, status
}

// TestLoopCounts runs a loop that stops by itself and checks its counts
// against the server's: every request it counts reached the server, with
// the Host asked for, and nothing failed.
func TestLoopCounts(t *testing.T) {
	srv := newServer(t, "hello from v1")
	l := StartWith(t.Context(), srv.URL, "web.example.com", Options{Workers: 3, Max: 300 * time.Millisecond})
	select {
	case <-l.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not stop by itself after Max")
	}
	hits := srv.hits.Load()
	st := l.Stop()
	if st.Requests == 0 || st.Failed != 0 {
		t.Fatalf("stats = %s, want requests and no failure (errors %v)", st, st.Errors)
	}
	// Requests cut short when the loop stops are not counted.
	if int64(st.Requests) > hits || hits > int64(st.Requests)+3 {
		t.Errorf("loop counted %d requests, the server got %d", st.Requests, hits)
	}
	time.Sleep(50 * time.Millisecond)
	if srv.hits.Load() != hits {
		t.Errorf("requests went on after the loop stopped by itself")
	}
	if st.Bodies["hello from v1"] != st.Requests {
		t.Errorf("bodies = %v, want %d × %q (trimmed)", st.Bodies, st.Requests, "hello from v1")
	}
	if srv.hosts["web.example.com"] != int(hits) {
		t.Errorf("hosts = %v, want web.example.com only", srv.hosts)
	}
	// Bounds, not a timing goal: at Max, give or take a request's time
	// on a loaded machine.
	if st.Took < 300*time.Millisecond || st.Took > 3*time.Second {
		t.Errorf("took %s, want the loop to stop by itself after 300ms", st.Took)
	}
	if len(st.Phases) != 1 || st.Phases[0].Requests != st.Requests || st.Phases[0].Took != st.Took {
		t.Errorf("phases = %+v, want one phase, the whole run", st.Phases)
	}
	if again := l.Stop(); again.Requests != st.Requests || again.Took != st.Took {
		t.Errorf("a second Stop = %s, want %s", again, st)
	}
}

func TestLoopFailures(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		delay   time.Duration
		wantErr string
	}{
		{name: "status other than 200", status: http.StatusServiceUnavailable, wantErr: "status 503: down"},
		{name: "timeout", status: http.StatusOK, delay: time.Hour, wantErr: "Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, "down")
			srv.set("down", tt.status)
			srv.mu.Lock()
			srv.delay = tt.delay
			srv.mu.Unlock()
			l := StartWith(t.Context(), srv.URL, "", Options{Workers: 2, Timeout: 50 * time.Millisecond, Max: 10 * time.Second})
			time.Sleep(300 * time.Millisecond)
			t0 := time.Now()
			st := l.Stop()
			if d := time.Since(t0); d > time.Second {
				t.Errorf("Stop took %s with requests in flight", d)
			}
			if st.Requests == 0 || st.Failed != st.Requests || len(st.Bodies) != 0 {
				t.Fatalf("stats = %s, bodies %v: want every request failed", st, st.Bodies)
			}
			if len(st.Errors) == 0 || len(st.Errors) > maxErrors || !strings.Contains(st.Errors[0], tt.wantErr) {
				t.Errorf("errors = %q, want at most %d saying %q", st.Errors, maxErrors, tt.wantErr)
			}
		})
	}
}

// TestLoopPhases switches the server's answer between phases: each
// request counts in the phase current when it was sent, and the phases
// add up to the run.
func TestLoopPhases(t *testing.T) {
	srv := newServer(t, "v1")
	ctx := t.Context()
	l := StartWith(ctx, srv.URL, "", Options{Workers: 2, Max: 10 * time.Second, Phase: "steady"})
	if err := l.WaitBody(ctx, 5*time.Second, "v1"); err != nil {
		t.Fatal(err)
	}
	l.Phase("rollout")
	srv.set("v2", http.StatusOK)
	if err := l.WaitBody(ctx, 5*time.Second, "v2"); err != nil {
		t.Fatal(err)
	}
	l.Phase("broken")
	srv.set("", http.StatusBadGateway)
	h0 := srv.hits.Load()
	deadline := time.Now().Add(5 * time.Second)
	for srv.hits.Load() < h0+20 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	st := l.Stop()
	if len(st.Phases) != 3 {
		t.Fatalf("phases = %+v, want 3", st.Phases)
	}
	steady, rollout, broken := st.Phases[0], st.Phases[1], st.Phases[2]
	if steady.Name != "steady" || rollout.Name != "rollout" || broken.Name != "broken" {
		t.Errorf("phase names = %q, %q, %q", steady.Name, rollout.Name, broken.Name)
	}
	if steady.Bodies["v1"] == 0 || rollout.Bodies["v2"] == 0 || steady.Failed != 0 || broken.Failed == 0 {
		t.Errorf("steady %v %d failed, rollout %v, broken %d failed", steady.Bodies, steady.Failed, rollout.Bodies, broken.Failed)
	}
	sum, took := 0, time.Duration(0)
	for _, p := range st.Phases {
		sum += p.Requests
		took += p.Took
	}
	if sum != st.Requests || took != st.Took {
		t.Errorf("phases add up to %d requests in %s, the run %d in %s", sum, took, st.Requests, st.Took)
	}
	if err := l.WaitBody(ctx, 50*time.Millisecond, "v3"); err == nil {
		t.Error("WaitBody(v3) = nil, but no response said v3")
	}
}

func TestAwait(t *testing.T) {
	var n atomic.Int64
	// Two tasks behind one address, answering in turn, after a start-up
	// during which the service fails.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		if i <= 3 {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "task%d\n", i%2+1)
	}))
	defer srv.Close()
	ctx := context.Background()
	if err := Await(ctx, srv.URL, "", 5*time.Second, "task1", "task2"); err != nil {
		t.Fatalf("Await(task1, task2) = %v", err)
	}
	err := Await(ctx, srv.URL, "", 200*time.Millisecond, "task3")
	if err == nil || !strings.Contains(err.Error(), `"task3"`) || !strings.Contains(err.Error(), "[task1 task2]") {
		t.Errorf("Await(task3) = %v, want an error naming task3 and what answered", err)
	}
}
