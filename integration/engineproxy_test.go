package integration

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// engineProxy stands between gazr and the engine, on a unix socket of the
// script's, and writes down every API call: the way to count what a
// command asked of the engine.
type engineProxy struct {
	srv   *http.Server
	mu    sync.Mutex
	calls []string // "POST /services/create", the API version left out
}

// apiVersion is the /v1.41 that prefixes a versioned API path.
var apiVersion = regexp.MustCompile(`^/v[0-9]+\.[0-9]+/`)

// engineproxy start — serve the proxy and point the script's DOCKER_HOST
// at it (the engine it forwards to is the test's: DOCKER_HOST, else the
// default socket).
// engineproxy reset — forget the calls so far.
// engineproxy calls REGEXP COUNT — exactly COUNT calls since the last
// reset match REGEXP ("METHOD /path", e.g. 'POST /services/.*/update'),
// or at least N with COUNT N+.
func cmdEngineProxy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: engineproxy start | reset | calls REGEXP COUNT")
	}
	slot, ok := ts.Value(engineProxyKey{}).(**engineProxy)
	if !ok {
		ts.Fatalf("engineproxy: not set up for this script (env.Values[engineProxyKey{}])")
	}
	p := *slot
	if args[0] != "start" && p == nil {
		ts.Fatalf("engineproxy %s: no proxy (engineproxy start)", args[0])
	}
	switch {
	case args[0] == "start" && len(args) == 1:
		if p != nil {
			ts.Fatalf("engineproxy start: started already")
		}
		*slot = startEngineProxy(ts)
	case args[0] == "reset" && len(args) == 1:
		p.mu.Lock()
		p.calls = nil
		p.mu.Unlock()
	case args[0] == "calls" && len(args) == 3:
		re, err := regexp.Compile("^(?:" + args[1] + ")$")
		ts.Check(err)
		n, atLeast := strings.CutSuffix(args[2], "+")
		want, err := strconv.Atoi(n)
		ts.Check(err)
		p.mu.Lock()
		var match []string
		for _, c := range p.calls {
			if re.MatchString(c) {
				match = append(match, c)
			}
		}
		all := len(p.calls)
		p.mu.Unlock()
		ts.Logf("%d of %d engine calls match %s", len(match), all, args[1])
		if len(match) != want && !(atLeast && len(match) > want) {
			ts.Fatalf("%d calls match %s, want %s:\n%s", len(match), args[1], args[2], strings.Join(match, "\n"))
		}
	default:
		ts.Fatalf("usage: engineproxy start | reset | calls REGEXP COUNT")
	}
}

// engineProxyKey is the script's slot for its proxy: Setup puts a
// new(*engineProxy) there.
type engineProxyKey struct{}

func startEngineProxy(ts *testscript.TestScript) *engineProxy {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = "unix:///var/run/docker.sock"
	}
	target, ok := strings.CutPrefix(host, "unix://")
	if !ok {
		ts.Fatalf("engineproxy: the engine is at %s; the proxy forwards to a unix socket only", host)
	}
	sock := filepath.Join(ts.Getenv("WORK"), "engine.sock")
	l, err := net.Listen("unix", sock)
	ts.Check(err)
	p := &engineProxy{}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "engine"
		},
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", target)
		}},
		FlushInterval: -1, // events, logs and build output as they come
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.calls = append(p.calls, r.Method+" "+apiVersion.ReplaceAllString(r.URL.Path, "/"))
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	go p.srv.Serve(l)
	ts.Defer(func() { p.srv.Close() })
	ts.Setenv("DOCKER_HOST", "unix://"+sock)
	return p
}
