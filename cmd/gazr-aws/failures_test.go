package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFailures: what AWS answers, through the real SDK clients and their
// retries, said as the protocol's errors.
func TestFailures(t *testing.T) {
	tests := []struct {
		name      string
		answer    func(r wireReq) (int, string)
		wantCode  string
		wantMsg   string
		wantCalls int // of DescribeAutoScalingGroups, by both roles side by side
	}{
		{"throttled", func(wireReq) (int, string) { return 400, asgError("Throttling", "Rate exceeded") },
			CodeThrottled, "autoscaling:DescribeAutoScalingGroups: AWS throttled it 4 times, gave up (Throttling: Rate exceeded)", 8},
		{"access denied", func(wireReq) (int, string) {
			return 403, asgError("AccessDenied", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: autoscaling:DescribeAutoScalingGroups")
		}, CodeAccessDenied, "AWS refused autoscaling:DescribeAutoScalingGroups (AccessDenied: User:", 2},
		{"5xx", func(wireReq) (int, string) { return 503, asgError("ServiceUnavailable", "Service is unavailable") },
			CodeUnreachable, "answered HTTP 503, after 4 attempts (ServiceUnavailable: Service is unavailable)", 8},
		{"5xx then fine", func() func(wireReq) (int, string) {
			var mu sync.Mutex
			n := map[string]int{}
			return func(r wireReq) (int, string) {
				if r.action != "DescribeAutoScalingGroups" {
					return 200, asgScheduled()
				}
				name := r.form.Get("AutoScalingGroupNames.member.1")
				mu.Lock()
				n[name]++
				fail := n[name] < 3
				mu.Unlock()
				if fail {
					return 500, asgError("InternalFailure", "oops")
				}
				return 200, asgGroups(name, 0, 3, 0)
			}
		}(), "", "", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testEnv(t)
			w, srv := newWire(t, tt.answer)
			resp := call(t, Request{Op: OpDescribe, Target: testTarget(srv)})
			switch {
			case tt.wantCode == "" && resp.Error != nil:
				t.Fatalf("describe: %+v", resp.Error)
			case tt.wantCode != "" && (resp.Error == nil || resp.Error.Code != tt.wantCode || !strings.Contains(resp.Error.Message, tt.wantMsg)):
				t.Fatalf("describe = %+v\nwant %s with %q", resp.Error, tt.wantCode, tt.wantMsg)
			}
			if n := len(w.calls("DescribeAutoScalingGroups")); n != tt.wantCalls {
				t.Errorf("%d DescribeAutoScalingGroups, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	testEnv(t)
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	resp := call(t, Request{Op: OpRegistryLogin, Target: Target{Region: testRegion, EndpointURL: url}})
	if e := resp.Error; e == nil || e.Code != CodeUnreachable || !strings.Contains(e.Message, "ecr:GetAuthorizationToken: cannot reach "+url+", after 4 attempts") ||
		!strings.Contains(e.Message, "connection refused") {
		t.Errorf("registry-login of a closed port: %+v", resp.Error)
	}
}

// TestSilence: an API that never answers is cut by GAZR_AWS_TIMEOUT.
func TestSilence(t *testing.T) {
	testEnv(t)
	t.Setenv("GAZR_AWS_TIMEOUT", "300ms")
	_, srv := newWire(t, func(wireReq) (int, string) { return -1, "" })
	req, _ := json.Marshal(Request{Version: Version, Op: OpDescribe, Target: testTarget(srv)})
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(context.Background(), nil, bytes.NewReader(req), &stdout, &stderr, testSettings())
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("a silent API held the call %v", took)
	}
	var resp Response
	if err := json.Unmarshal(stdout.Bytes(), &resp); code != 0 || err != nil {
		t.Fatalf("exit %d, stdout %q (%v), stderr %q", code, stdout.String(), err, stderr.String())
	}
	want := "autoscaling:DescribeAutoScalingGroups: no answer from " + srv.URL + " within 300ms (GAZR_AWS_TIMEOUT)"
	if resp.Error == nil || resp.Error.Code != CodeUnreachable || resp.Error.Message != want {
		t.Errorf("response error %+v, want Unreachable %q", resp.Error, want)
	}
}

// TestInterrupted: a signal (the cancelled context) ends a call at once.
func TestInterrupted(t *testing.T) {
	testEnv(t)
	_, srv := newWire(t, func(wireReq) (int, string) { return -1, "" })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	req, _ := json.Marshal(Request{Version: Version, Op: OpDescribe, Target: testTarget(srv)})
	var stdout, stderr bytes.Buffer
	run(ctx, nil, bytes.NewReader(req), &stdout, &stderr, testSettings())
	if !strings.Contains(stdout.String(), "interrupted before") {
		t.Errorf("cancelled call: stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

// TestSilenceEndpointFromEnv: an endpoint set by AWS_ENDPOINT_URL (not
// the target) is the one a failure names.
func TestSilenceEndpointFromEnv(t *testing.T) {
	testEnv(t)
	t.Setenv("GAZR_AWS_TIMEOUT", "300ms")
	_, srv := newWire(t, func(wireReq) (int, string) { return -1, "" })
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	target := testTarget(srv)
	target.EndpointURL = ""
	req, _ := json.Marshal(Request{Version: Version, Op: OpDescribe, Target: target})
	var stdout, stderr bytes.Buffer
	run(context.Background(), nil, bytes.NewReader(req), &stdout, &stderr, testSettings())
	var resp Response
	_ = json.Unmarshal(stdout.Bytes(), &resp)
	if resp.Error == nil || !strings.Contains(resp.Error.Message, "no answer from "+srv.URL+" within 300ms") {
		t.Errorf("response %s", stdout.String())
	}
}
