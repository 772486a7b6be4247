package integration

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/edge"
)

// balancer stands where a cloud load balancer stands in front of the
// managers' edges: its targets are the edges (edgePort) of the managers
// whose machines are running, as the bed's fake cloud says at each
// request (running), and that pass its health check (GET edge.HealthURI
// every 500 ms: in after one success, out after two failures). It balances requests round-robin and,
// like nginx's proxy_next_upstream error or haproxy's redispatch, sends a
// request whose connection failed (it never reached an edge) to the next
// target, counting it in Redispatched. No other failure is retried.
type balancer struct {
	// running returns the addresses of the manager machines that run.
	running func() []string
	port    int
	srv     *httptest.Server
	rr      atomic.Uint64

	// Redispatched counts the requests sent again after a refused connection.
	Redispatched atomic.Int64

	mu      sync.Mutex
	healthy map[string]bool // by manager address
	fails   map[string]int
	stop    context.CancelFunc
	done    chan struct{}
}

// newBalancer starts the balancer on 127.0.0.1 and its health checks of
// the edges (edgePort) of the managers running returns.
func newBalancer(running func() []string, edgePort int) *balancer {
	lb := &balancer{running: running, port: edgePort, healthy: map[string]bool{}, fails: map[string]int{}, done: make(chan struct{})}
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	transport := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 8, DisableCompression: true}
	proxy := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.Out.Host = r.In.Host },
		Transport: &redispatch{lb: lb, next: transport},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "balancer: "+err.Error(), http.StatusBadGateway)
		},
	}
	lb.srv = httptest.NewServer(proxy)
	var ctx context.Context
	ctx, lb.stop = context.WithCancel(context.Background())
	go lb.check(ctx)
	return lb
}

// URL is the balancer's address, "http://127.0.0.1:<port>/".
func (lb *balancer) URL() string { return lb.srv.URL + "/" }

// Close stops the balancer and its health checks.
func (lb *balancer) Close() {
	lb.stop()
	<-lb.done
	lb.srv.Close()
}

// targets are the running managers that pass the health check.
func (lb *balancer) targets() []string {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	var out []string
	for _, ip := range lb.running() {
		if lb.healthy[ip] {
			out = append(out, ip)
		}
	}
	return out
}

// Healthy waits until n targets are in, for up to timeout.
func (lb *balancer) Healthy(n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		got := lb.targets()
		if len(got) >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("balancer: %d healthy targets %q after %s, want %d", len(got), got, timeout, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// check runs the health checks of the running managers until ctx ends.
func (lb *balancer) check(ctx context.Context) {
	defer close(lb.done)
	c := &http.Client{Timeout: time.Second}
	for ctx.Err() == nil {
		var wg sync.WaitGroup
		for _, ip := range lb.running() {
			wg.Go(func() {
				ok := healthy(ctx, c, fmt.Sprintf("http://%s:%d%s", ip, lb.port, edge.HealthURI))
				lb.mu.Lock()
				defer lb.mu.Unlock()
				if ok {
					lb.healthy[ip], lb.fails[ip] = true, 0
				} else if lb.fails[ip]++; lb.fails[ip] >= 2 {
					lb.healthy[ip] = false
				}
			})
		}
		wg.Wait()
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func healthy(ctx context.Context, c *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// redispatch sends each request to the next target, and to the one after
// when the connection failed.
type redispatch struct {
	lb   *balancer
	next http.RoundTripper
}

func (rd *redispatch) RoundTrip(r *http.Request) (*http.Response, error) {
	targets := rd.lb.targets()
	if len(targets) == 0 {
		return nil, errors.New("no healthy target")
	}
	first := int(rd.lb.rr.Add(1))
	var err error
	for i := range min(len(targets), 2) {
		out := r.Clone(r.Context())
		out.URL = &url.URL{Scheme: "http", Host: fmt.Sprintf("%s:%d", targets[(first+i)%len(targets)], rd.lb.port), Path: r.URL.Path, RawQuery: r.URL.RawQuery}
		var resp *http.Response
		resp, err = rd.next.RoundTrip(out)
		var op *net.OpError
		if err == nil || !errors.As(err, &op) || op.Op != "dial" {
			return resp, err
		}
		rd.lb.Redispatched.Add(1)
	}
	return nil, err
}
