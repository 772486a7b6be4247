package awsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind string

// Fault kinds.
const (
	// Throttle answers the service's throttling error: EC2
	// RequestLimitExceeded (503), Auto Scaling Throttling (400), ECR
	// ThrottlingException (400). The SDK retries them.
	Throttle FaultKind = "Throttle"
	// ServerError answers a 500: EC2 InternalError, Auto Scaling
	// InternalFailure, ECR ServerException.
	ServerError FaultKind = "ServerError"
	// Silence answers nothing: the request is held until the client
	// goes away, the fake closes, or Options.SilenceBound passes (then
	// the connection is dropped).
	Silence FaultKind = "Silence"
	// NotFound answers as if the thing named did not exist: EC2
	// InvalidInstanceID.NotFound; Auto Scaling an empty result to its
	// Describe calls (as AWS answers unknown names) and a ValidationError
	// to the others; ECR RepositoryNotFoundException.
	NotFound FaultKind = "NotFound"
	// AccessDenied answers as IAM refusing the action: EC2
	// UnauthorizedOperation (403, "You are not authorized to perform
	// this operation. …"), Auto Scaling AccessDenied (403), ECR
	// AccessDeniedException (400); each message names the action
	// ("ec2:StopInstances").
	AccessDenied FaultKind = "AccessDenied"
)

// Fault makes requests fail. Service and Op ("ec2", "DescribeInstances")
// select the requests, empty for any. Count is how many requests it
// fails, 0 for every one until ClearFaults. Faults apply after the
// credential scope check, the first matching one first.
type Fault struct {
	Service string
	Op      string
	Kind    FaultKind
	Count   int
}

// Inject adds a fault.
func (f *Fake) Inject(flt Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &flt)
}

// ClearFaults removes every fault.
func (f *Fake) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// takeFault returns the first fault matching q, counting it down.
func (f *Fake) takeFault(q *request) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, flt := range f.faults {
		if (flt.Service != "" && flt.Service != q.service) || (flt.Op != "" && flt.Op != q.op) {
			continue
		}
		got := *flt
		if flt.Count > 0 {
			flt.Count--
			if flt.Count == 0 {
				f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
			}
		}
		return &got
	}
	return nil
}

// answerFault answers q as flt says; it returns the call's status and
// error code (0 for a request silenced).
func (f *Fake) answerFault(w http.ResponseWriter, q *request, flt *Fault) (int, string) {
	if flt.Kind == Silence {
		f.silence(q)
		return 0, ""
	}
	if flt.Kind == NotFound && q.service == ServiceAutoScaling {
		switch q.op {
		case "DescribeAutoScalingGroups":
			writeResult(w, q, &describeGroupsResult{})
			return http.StatusOK, ""
		case "DescribeScheduledActions":
			writeResult(w, q, &describeActionsResult{})
			return http.StatusOK, ""
		}
	}
	e := f.faultError(q, flt.Kind)
	writeError(w, q, e)
	return e.Status, e.Code
}

// silence holds q until its client goes away, the fake closes, or the
// bound passes; then it drops the connection.
func (f *Fake) silence(q *request) {
	t := time.NewTimer(f.opts.SilenceBound)
	defer t.Stop()
	select {
	case <-q.http.Context().Done():
		return
	case <-f.ctx.Done():
		return
	case <-t.C:
		panic(http.ErrAbortHandler)
	}
}

// faultError is q's service's error for a fault kind.
func (f *Fake) faultError(q *request, kind FaultKind) *APIError {
	action := q.service + ":" + q.op
	user := fmt.Sprintf("arn:aws:iam::%s:user/gazr-fake", f.opts.Account)
	denied := fmt.Sprintf("User: %s is not authorized to perform: %s because no identity-based policy allows the %s action", user, action, action)
	table := map[string]map[FaultKind]APIError{
		ServiceEC2: {
			Throttle:     {503, "RequestLimitExceeded", "Request limit exceeded."},
			ServerError:  {500, "InternalError", "An internal error has occurred"},
			AccessDenied: {403, "UnauthorizedOperation", "You are not authorized to perform this operation. " + denied + ". Encoded authorization failure message: " + randHex(40)},
			NotFound:     {400, "InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", firstOr(q.form["InstanceId.1"], q.form["ResourceId.1"], "i-00000000000000000"))},
		},
		ServiceAutoScaling: {
			Throttle:     {400, "Throttling", "Rate exceeded"},
			ServerError:  {500, "InternalFailure", "An internal error has occurred"},
			AccessDenied: {403, "AccessDenied", denied},
			NotFound:     {400, "ValidationError", fmt.Sprintf("AutoScalingGroup name not found - AutoScalingGroup '%s' not found", q.form.Get("AutoScalingGroupName"))},
		},
		ServiceECR: {
			Throttle:     {400, "ThrottlingException", "Rate exceeded"},
			ServerError:  {500, "ServerException", "An internal error has occurred"},
			AccessDenied: {400, "AccessDeniedException", denied},
			NotFound:     {400, "RepositoryNotFoundException", fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", requestedRepo(q.body), f.opts.Account)},
		},
	}
	e, ok := table[q.service][kind]
	if !ok {
		e = table[q.service][ServerError]
	}
	return &e
}

// firstOr is the first value of the first non-empty list, or def.
func firstOr(a, b []string, def string) string {
	for _, l := range [][]string{a, b} {
		if len(l) > 0 && l[0] != "" {
			return l[0]
		}
	}
	return def
}

// requestedRepo is the repository an ECR request names, if any.
func requestedRepo(body []byte) string {
	var in struct {
		RepositoryName  string   `json:"repositoryName"`
		RepositoryNames []string `json:"repositoryNames"`
	}
	_ = json.Unmarshal(body, &in)
	if in.RepositoryName == "" && len(in.RepositoryNames) > 0 {
		return in.RepositoryNames[0]
	}
	return in.RepositoryName
}
