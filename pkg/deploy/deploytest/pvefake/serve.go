package pvefake

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call is one request the fake answered, for tests to assert on.
type Call struct {
	Time   time.Time
	Method string
	// Path is the API path without /api2/json and without the query.
	Path  string
	Query string
	// Token is the token's ID (user@realm!id), "" when refused.
	Token string
	// Status is the HTTP status answered, 0 for a connection dropped.
	Status int
	// Fault is the kind of the injected fault that answered, if any.
	Fault FaultKind
}

// Calls returns the requests answered so far, oldest first.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// ResetCalls forgets the requests answered so far.
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

// request is one API request being answered.
type request struct {
	http   *http.Request
	method string
	path   string            // without /api2/json
	seg    map[string]string // path parameters
	params map[string]string // query and body
	token  *Token
}

// withTotal is an answer with PVE's "total" beside "data".
type withTotal struct {
	data  any
	total int
}

// ServeHTTP answers one request to /api2/json/…: injected faults first,
// then authentication, routing, permissions, the node's state, the
// parameters' schema, and the method.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	path, _ := strings.CutPrefix(r.URL.Path, "/api2/json")
	call := Call{Time: f.now(), Method: r.Method, Path: path, Query: r.URL.RawQuery}
	// A call is recorded before its answer is written: a client that has
	// its answer finds it in Calls.
	record := func() {
		f.mu.Lock()
		f.calls = append(f.calls, call)
		f.mu.Unlock()
	}
	if flt := f.takeFault(r.Method, path); flt != nil {
		call.Fault = flt.Kind
		defer record() // a Silence past its bound drops the connection by panicking
		call.Status = f.answerFault(w, r, flt)
		return
	}
	data, e := f.answer(r, path, body, &call)
	if e != nil {
		call.Status = e.status
		record()
		if e.status == http.StatusUnauthorized && f.opts.AuthFailDelay > 0 {
			select {
			case <-time.After(f.opts.AuthFailDelay):
			case <-r.Context().Done():
			}
		}
		writeError(w, e)
		return
	}
	call.Status = http.StatusOK
	record()
	if t, ok := data.(withTotal); ok {
		writeData(w, t.data, t.total)
		return
	}
	writeData(w, data, 0)
}

// answer runs the request's method under the fake's lock.
func (f *Fake) answer(r *http.Request, path string, body []byte, call *Call) (any, *apiError) {
	if !strings.HasPrefix(r.URL.Path, "/api2/json/") {
		return nil, &apiError{status: http.StatusNotImplemented, msg: "no such uri\n", noBody: true}
	}
	f.mu.Lock()
	tok, e := f.authenticate(r.Header.Get("Authorization"))
	f.mu.Unlock()
	if e != nil {
		return nil, e
	}
	call.Token = tok.ID
	path = strings.TrimRight(path, "/")
	rt, seg := findRoute(r.Method, path)
	if rt == nil {
		return nil, notImplemented(r.Method, path)
	}
	params, e := readParams(r.URL.RawQuery, r.Header.Get("Content-Type"), body)
	if e != nil {
		return nil, e
	}
	q := &request{http: r, method: r.Method, path: path, seg: seg, params: params, token: tok}
	f.mu.Lock()
	defer f.mu.Unlock()
	if rt.perm != nil {
		if e := rt.perm(q); e != nil {
			return nil, e
		}
	}
	if name, ok := seg["node"]; ok {
		n := f.node(name)
		if n == nil {
			return nil, fail("hostname lookup '%s' failed - failed to get address info for: %s: Name or service not known", name, name)
		}
		if !n.online {
			return nil, unreachableNode()
		}
	}
	if rt.write && !f.quorate() {
		return nil, fail("cluster not ready - no quorum?")
	}
	if e := q.checkPath(); e != nil {
		return nil, e
	}
	if rt.specs != nil {
		if e := checkParams(params, rt.specs, tok.user()); e != nil {
			return nil, e
		}
	}
	return rt.h(f, q)
}

// checkPath validates the path's VM id as the schema does.
func (q *request) checkPath() *apiError {
	v, ok := q.seg["vmid"]
	if !ok {
		return nil
	}
	if msg := vmidSpec.check(v); msg != "" {
		return paramErr("vmid", "%s", msg)
	}
	return nil
}

// vmid is the path's VM id (checked by checkPath).
func (q *request) vmid() int {
	n, _ := strconv.Atoi(q.seg["vmid"])
	return n
}

// findRoute is the route for method and path, with its path parameters.
func findRoute(method, path string) (*route, map[string]string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		if rt.method != method {
			continue
		}
		if seg, ok := matchPath(rt.pattern, parts); ok {
			return rt, seg
		}
	}
	return nil, nil
}

func matchPath(pattern string, parts []string) (map[string]string, bool) {
	pp := strings.Split(strings.Trim(pattern, "/"), "/")
	if len(pp) != len(parts) {
		return nil, false
	}
	seg := map[string]string{}
	for i, p := range pp {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			if parts[i] == "" {
				return nil, false
			}
			seg[strings.TrimSuffix(name, "}")] = parts[i]
			continue
		}
		if p != parts[i] {
			return nil, false
		}
	}
	return seg, true
}
