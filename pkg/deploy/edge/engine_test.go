package edge

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/load"
)

// TestHAProxyAcceptsConfigs runs `haproxy -c` on every golden config.
func TestHAProxyAcceptsConfigs(t *testing.T) {
	b := newBed(t, haproxyImage)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Config(tc.routes)
			if err != nil {
				t.Fatal(err)
			}
			name := b.run(t.Context(), ctr{
				name:  "check-" + tc.name,
				cfg:   container.Config{Image: haproxyImage, Cmd: []string{"haproxy", "-c", "-f", ConfigPath}},
				files: map[string][]byte{ConfigPath: cfg},
			})
			if code := b.wait(t.Context(), name); code != 0 {
				t.Fatalf("haproxy -c exited %d:\n%s", code, b.logs(t.Context(), name))
			}
		})
	}
}

// TestEdgeZeroFailedRequests runs the edge in front of a service's tasks
// and keeps requests flowing while the tasks change the way a rolling
// update changes them: a task is added, an old one is stopped gracefully
// (SIGTERM), another is killed. The first two must cost no request.
//
// No swarm: tasks are containers sharing the network alias tasks.<service>,
// which Docker's DNS answers like a dnsrr service's tasks.<service>. Unlike
// swarm, docker stop does not take a task out of DNS before signalling it,
// so the graceful stop here is harsher than a swarm rollout.
func TestEdgeZeroFailedRequests(t *testing.T) {
	b := newBed(t, haproxyImage, busyboxImage)
	b.requireLocalEngine()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	backendBin := buildBackend(t)
	b.createNetwork(ctx)

	service := b.name + "_web" // namespaced like a stack's service
	const host = "web-test.example.com"
	task := func(name string) string {
		return b.run(ctx, ctr{
			name: name,
			cfg: container.Config{Image: busyboxImage, Cmd: []string{"/backend", "-name", name, "-delay", "2ms"},
				StopTimeout: ptr(10)},
			aliases: []string{"tasks." + service},
			files:   map[string][]byte{"/backend": backendBin},
		})
	}
	task1, task2 := task("task1"), task("task2")

	cfg, err := Config([]Route{{Host: host, Service: service, Port: 8080, Health: "/health"}})
	if err != nil {
		t.Fatal(err)
	}
	edge := b.run(ctx, ctr{
		name: "edge",
		cfg: container.Config{Image: haproxyImage, StopSignal: "SIGUSR1",
			Healthcheck: &container.HealthConfig{Test: HealthCheck(), Interval: 500 * time.Millisecond, Timeout: 3 * time.Second, Retries: 3}},
		files:   map[string][]byte{ConfigPath: cfg},
		publish: "80/tcp",
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("edge logs:\n%s", b.logs(context.WithoutCancel(ctx), edge))
		}
	})
	base := "http://127.0.0.1:" + b.hostPort(ctx, edge, "80/tcp")
	const loadHost = "Web-Test.Example.com:8080" // port and case must not matter

	// The edge is up once it answers from both tasks.
	if err := load.Await(ctx, base+"/", loadHost, 15*time.Second, "task1", "task2"); err != nil {
		t.Fatalf("edge never served both tasks: %v\n%s", err, b.logs(ctx, edge))
	}
	waitHealthy(t, b, edge)
	checkStatus(t, base, "nope.example.com", "/", 404, "gazr edge: no service is routed at this host")
	checkStatus(t, base, "nope.example.com", HealthURI, 200, "")
	checkL7Retries(t, b, base, host, edge)

	// Each request counts in the phase current when it was sent.
	l := load.StartWith(ctx, base+"/", loadHost, load.Options{
		Workers: 4, Timeout: 15 * time.Second, Max: 20 * time.Second, Phase: "steady, 2 tasks"})
	t.Cleanup(func() { l.Stop() }) // on an early exit; Stop is idempotent
	time.Sleep(time.Second)

	l.Phase("task3 added")
	task("task3")
	if err := l.WaitBody(ctx, 10*time.Second, "task3"); err != nil {
		t.Error(err)
	}
	time.Sleep(time.Second)

	l.Phase("task1 stopped (SIGTERM)")
	if _, err := b.cli.ContainerStop(ctx, task1, client.ContainerStopOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)

	l.Phase("task2 killed (SIGKILL)")
	if _, err := b.cli.ContainerKill(ctx, task2, client.ContainerKillOptions{Signal: "SIGKILL"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * time.Second)
	stats := l.Stop().Phases

	var retried, redispatched int
	for _, l := range parseLog(b.logs(ctx, edge)) {
		if l.request == "GET / HTTP/1.1" && l.retries > 0 {
			retried++
			if l.redispatched {
				redispatched++
			}
		}
	}
	t.Logf("edge log: %d requests retried, %d of them on another task", retried, redispatched)
	for i, s := range stats {
		t.Logf("%-24s %5d requests in %5.2fs (%4.0f/s), %d failed, slowest %v, served by %v",
			s.Name, s.Requests, s.Took.Seconds(), float64(s.Requests)/s.Took.Seconds(), s.Failed, s.Slowest.Round(time.Millisecond), s.Bodies)
		for _, e := range s.Errors {
			t.Logf("    %s", e)
		}
		if s.Requests < 50 {
			t.Errorf("%s: only %d requests: the load did not run", s.Name, s.Requests)
		}
		if i < 3 && s.Failed > 0 { // the kill (phase 3) is measured, not asserted
			t.Errorf("%s: %d of %d requests failed", s.Name, s.Failed, s.Requests)
		}
	}
	if len(stats) != 4 {
		t.Fatalf("%d phases, want 4", len(stats))
	}
	if stats[1].Bodies["task3"] == 0 && stats[2].Bodies["task3"] == 0 {
		t.Error("the added task3 got no request")
	}
}

func waitHealthy(t *testing.T, b *bed, name string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := b.cli.ContainerInspect(t.Context(), name, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		h := res.Container.State.Health
		if h != nil && h.Status == container.Healthy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the edge's health check (%q) never passed: %+v", HealthCheck(), h)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func checkStatus(t *testing.T, base, host, path string, want int, wantBody string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := readAll(resp.Body)
	if resp.StatusCode != want || (wantBody != "" && body != wantBody) {
		t.Errorf("GET %s (Host %s): %d %q, want %d %q", path, host, resp.StatusCode, body, want, wantBody)
	}
}

// logLine is one request in haproxy's HTTP log (option httplog):
//
//	client [date] frontend backend/server timers status bytes - - term act/fe/be/srv/retries queues "request"
//
// where retries has a '+' prefix when the request was redispatched.
type logLine struct {
	status, request string
	retries         int
	redispatched    bool
}

func parseLog(log string) []logLine {
	var out []logLine
	for _, line := range strings.Split(log, "\n") {
		f := strings.Fields(line)
		if len(f) < 13 || !strings.HasPrefix(f[12], `"`) {
			continue
		}
		conns := strings.Split(f[10], "/")
		if len(conns) != 5 {
			continue
		}
		retries, _ := strconv.Atoi(strings.TrimPrefix(conns[4], "+"))
		out = append(out, logLine{
			status: f[5], request: strings.Trim(strings.Join(f[12:], " "), `"`),
			retries: retries, redispatched: strings.HasPrefix(conns[4], "+"),
		})
	}
	return out
}

// checkL7Retries sends a GET and a POST to a path where every task closes
// the connection unanswered: the GET must be tried on 4 tasks (3 retries),
// the POST once, since the application may have acted on it.
func checkL7Retries(t *testing.T, b *bed, base, host, edge string) {
	t.Helper()
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, base+"/drop", strings.NewReader(""))
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadGateway {
			t.Errorf("%s /drop: %s, want 502", method, resp.Status)
		}
	}
	want := map[string]int{http.MethodGet: 3, http.MethodPost: 0}
	got := map[string]int{}
	// haproxy writes its log line after answering: poll until both show.
	for deadline := time.Now().Add(5 * time.Second); len(got) < len(want) && time.Now().Before(deadline); {
		for _, l := range parseLog(b.logs(t.Context(), edge)) {
			if method, rest, _ := strings.Cut(l.request, " "); strings.HasPrefix(rest, "/drop ") {
				got[method] = l.retries
			}
		}
		if len(got) < len(want) {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("retries of /drop by method: %v, want %v", got, want)
	}
}
