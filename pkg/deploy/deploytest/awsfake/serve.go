package awsfake

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Services, as the credential scope names them (Call.Service, Fault.Service).
const (
	ServiceEC2         = "ec2"
	ServiceAutoScaling = "autoscaling"
	ServiceECR         = "ecr"
)

// Query protocol versions and ECR's JSON target prefix.
const (
	ec2Version    = "2016-11-15"
	asgVersion    = "2011-01-01"
	ecrTarget     = "AmazonEC2ContainerRegistry_V20150921."
	maxBodyBytes  = 1 << 20
	sigV4Algoritm = "AWS4-HMAC-SHA256"
)

// Call is one request the fake answered, for tests to assert on (a retry
// happened, an operation was never called).
type Call struct {
	Time      time.Time
	Service   string
	Op        string
	AccessKey string
	Region    string
	// Status is the HTTP status answered; Code the error code, if any.
	Status int
	Code   string
	// Fault is the injected fault's kind that answered, if any.
	Fault FaultKind
	// Attempt is the SDK's count of this call's attempts, from its
	// amz-sdk-request header ("attempt=2; max=4"): 2 and more are
	// retries. 0 when the client did not say.
	Attempt int
	// Invocation is the SDK's id of the call (amz-sdk-invocation-id),
	// the same for each of its attempts.
	Invocation string
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

// request is one parsed API request.
type request struct {
	http    *http.Request
	service string
	op      string
	form    url.Values // Query protocols
	body    []byte     // ECR's JSON
	akid    string
	region  string
	id      string // the request id answered
}

// ServeHTTP answers one API request: route by the credential scope's
// service, check the scope and key, apply an injected fault, then the
// operation; errors in the service's own wire shape.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := &request{http: r, id: newUUID()}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return
	}
	q.body = body
	q.service, q.op, q.form = classify(r, body)
	call := Call{Time: f.now(), Service: q.service, Op: q.op, Attempt: attempt(r.Header.Get("amz-sdk-request")),
		Invocation: r.Header.Get("amz-sdk-invocation-id")}
	// A call is recorded before its answer is written: a client that has
	// its answer finds it in Calls.
	record := func() {
		f.mu.Lock()
		f.calls = append(f.calls, call)
		f.mu.Unlock()
	}
	w.Header().Set("x-amzn-RequestId", q.id)
	if e := f.checkScope(q); e != nil {
		call.Service, call.AccessKey, call.Region = q.service, q.akid, q.region
		call.Status, call.Code = e.Status, e.Code
		record()
		writeError(w, q, e)
		return
	}
	call.AccessKey, call.Region = q.akid, q.region
	if e := checkProtocol(q); e != nil {
		call.Status, call.Code = e.Status, e.Code
		record()
		writeError(w, q, e)
		return
	}
	if flt := f.takeFault(q); flt != nil {
		call.Fault = flt.Kind
		defer record() // a Silence past its bound drops the connection by panicking
		call.Status, call.Code = f.answerFault(w, q, flt)
		return
	}
	f.runSchedules()
	out, e := f.dispatch(q)
	if e != nil {
		call.Status, call.Code = e.Status, e.Code
		record()
		writeError(w, q, e)
		return
	}
	call.Status = http.StatusOK
	record()
	writeResult(w, q, out)
}

// attempt reads the attempt number of an amz-sdk-request header.
func attempt(h string) int {
	for part := range strings.SplitSeq(h, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "attempt="); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// classify guesses the service from the request itself (used when the
// Authorization header says nothing usable) and reads its operation.
func classify(r *http.Request, body []byte) (service, op string, form url.Values) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return ServiceECR, strings.TrimPrefix(t, ecrTarget), nil
	}
	form, _ = url.ParseQuery(string(body))
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	service = ServiceEC2
	if form.Get("Version") == asgVersion {
		service = ServiceAutoScaling
	}
	return service, form.Get("Action"), form
}

// checkScope reads the SigV4 Authorization header's credential scope
// (Credential=AKID/date/region/service/aws4_request): the service routes
// the request; the region and key must be the fake's. It does not
// verify the signature.
func (f *Fake) checkScope(q *request) *APIError {
	auth := q.http.Header.Get("Authorization")
	if auth == "" {
		return authError(q.service, authMissing, "")
	}
	rest, ok := strings.CutPrefix(auth, sigV4Algoritm+" ")
	if !ok {
		return authError(q.service, authMalformed, "")
	}
	var scope []string
	for part := range strings.SplitSeq(rest, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
			scope = strings.Split(v, "/")
		}
	}
	if len(scope) != 5 || scope[4] != "aws4_request" || scope[0] == "" {
		return authError(q.service, authMalformed, "")
	}
	q.akid, q.region = scope[0], scope[2]
	switch scope[3] {
	case ServiceEC2, ServiceAutoScaling, ServiceECR:
		q.service = scope[3]
	default:
		return authError(q.service, authWrongService, scope[3])
	}
	if q.region != f.opts.Region {
		return authError(q.service, authWrongRegion, q.region)
	}
	if !slices.Contains(f.opts.AccessKeyIDs, q.akid) {
		return authError(q.service, authUnknownKey, q.akid)
	}
	return nil
}

// checkProtocol refuses a request whose shape is not its service's.
func checkProtocol(q *request) *APIError {
	switch q.service {
	case ServiceECR:
		if !strings.HasPrefix(q.http.Header.Get("X-Amz-Target"), ecrTarget) {
			return &APIError{Status: 400, Code: "UnknownOperationException", Message: "missing or unknown X-Amz-Target"}
		}
		return nil
	case ServiceEC2, ServiceAutoScaling:
		want := map[string]string{ServiceEC2: ec2Version, ServiceAutoScaling: asgVersion}[q.service]
		if q.form == nil {
			q.form = url.Values{}
		}
		if q.op == "" {
			return &APIError{Status: 400, Code: "MissingAction", Message: "The request must contain the parameter Action"}
		}
		if v := q.form.Get("Version"); v != want {
			return &APIError{Status: 400, Code: "NoSuchVersion", Message: "The requested version (" + v + ") of service " + q.service + " does not exist"}
		}
	}
	return nil
}

// dispatch runs q's operation.
func (f *Fake) dispatch(q *request) (any, *APIError) {
	var h func(*Fake, *request) (any, *APIError)
	switch q.service {
	case ServiceEC2:
		h = ec2Ops[q.op]
	case ServiceAutoScaling:
		h = asgOps[q.op]
	case ServiceECR:
		h = ecrOps[q.op]
	}
	if h == nil {
		return nil, unknownOp(q)
	}
	return h(f, q)
}
