package awsfake_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// call sends one representative request of service.
func call(c *client, service string) answer {
	switch service {
	case "ec2":
		return c.ec2("StopInstances", "InstanceId.1", "i-0123456789abcdef0")
	case "autoscaling":
		return c.asg("SetDesiredCapacity", "AutoScalingGroupName", "g", "DesiredCapacity", "1")
	}
	return c.ecr("DescribeRepositories", map[string]any{"repositoryNames": []string{"shop/api"}})
}

func TestScopeCheck(t *testing.T) {
	_, c := start(t, awsfake.Options{Region: "eu-west-3"})
	tests := []struct {
		name, service string
		setup         func(*client)
		status        int
		code, msg     string
	}{
		{"ec2 no auth", "ec2", func(c *client) { c.auth = "-" }, 401, "AuthFailure", ""},
		{"ec2 malformed", "ec2", func(c *client) { c.auth = "Bearer x" }, 400, "IncompleteSignature", ""},
		{"ec2 region", "ec2", func(c *client) { c.region = "us-east-1" }, 401, "AuthFailure", "not 'us-east-1'"},
		{"ec2 key", "ec2", func(c *client) { c.akid = "AKIAWRONG" }, 401, "AuthFailure", "credentials"},
		{"asg no auth", "autoscaling", func(c *client) { c.auth = "-" }, 403, "MissingAuthenticationToken", ""},
		{"asg region", "autoscaling", func(c *client) { c.region = "us-east-1" }, 403, "SignatureDoesNotMatch", "valid region"},
		{"asg key", "autoscaling", func(c *client) { c.akid = "AKIAWRONG" }, 403, "InvalidClientTokenId", ""},
		{"ecr no auth", "ecr", func(c *client) { c.auth = "-" }, 400, "MissingAuthenticationTokenException", ""},
		{"ecr malformed", "ecr", func(c *client) {
			c.auth = "AWS4-HMAC-SHA256 Credential=AKIA/20261205/eu-west-3, Signature=x"
		}, 400, "IncompleteSignatureException", ""},
		{"ecr region", "ecr", func(c *client) { c.region = "us-east-1" }, 400, "InvalidSignatureException", "valid region"},
		{"ecr key", "ecr", func(c *client) { c.akid = "AKIAWRONG" }, 400, "UnrecognizedClientException", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := *c
			cc.t = t
			tt.setup(&cc)
			wantError(t, tt.service, call(&cc, tt.service), tt.status, tt.code, tt.msg)
		})
	}
	// The scope routes: an ec2 body signed for autoscaling is Auto
	// Scaling's business, which answers in its own shape.
	cc := *c
	cc.t = t
	a := cc.query("autoscaling", "2016-11-15", "DescribeInstances")
	wantError(t, "autoscaling", a, 400, "NoSuchVersion")
	// A good request passes.
	wantError(t, "ec2", call(c, "ec2"), 400, "InvalidInstanceID.NotFound")
}

func TestFaults(t *testing.T) {
	tests := []struct {
		service string
		kind    awsfake.FaultKind
		status  int
		code    string
		msg     string
	}{
		{"ec2", awsfake.Throttle, 503, "RequestLimitExceeded", ""},
		{"autoscaling", awsfake.Throttle, 400, "Throttling", ""},
		{"ecr", awsfake.Throttle, 400, "ThrottlingException", ""},
		{"ec2", awsfake.ServerError, 500, "InternalError", ""},
		{"autoscaling", awsfake.ServerError, 500, "InternalFailure", ""},
		{"ecr", awsfake.ServerError, 500, "ServerException", ""},
		{"ec2", awsfake.AccessDenied, 403, "UnauthorizedOperation", "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/gazr-fake is not authorized to perform: ec2:StopInstances"},
		{"autoscaling", awsfake.AccessDenied, 403, "AccessDenied", "autoscaling:SetDesiredCapacity"},
		{"ecr", awsfake.AccessDenied, 400, "AccessDeniedException", "ecr:DescribeRepositories"},
		{"ec2", awsfake.NotFound, 400, "InvalidInstanceID.NotFound", "i-0123456789abcdef0"},
		{"autoscaling", awsfake.NotFound, 400, "ValidationError", "not found"},
		{"ecr", awsfake.NotFound, 400, "RepositoryNotFoundException", "shop/api"},
	}
	for _, tt := range tests {
		t.Run(tt.service+" "+string(tt.kind), func(t *testing.T) {
			f, c := start(t, awsfake.Options{})
			_ = f.AddGroup(awsfake.GroupSpec{Name: "g", Max: 2})
			f.AddRepository("shop/api")
			f.Inject(awsfake.Fault{Service: tt.service, Kind: tt.kind, Count: 2})
			f.Inject(awsfake.Fault{Service: "nothing", Kind: awsfake.ServerError})
			wantError(t, tt.service, call(c, tt.service), tt.status, tt.code, tt.msg)
			wantError(t, tt.service, call(c, tt.service), tt.status, tt.code, tt.msg)
			if a := call(c, tt.service); a.status != 200 && tt.service != "ec2" {
				t.Fatalf("third call, fault spent: %d %s", a.status, a.body)
			}
			calls := f.Calls()
			if len(calls) != 3 || calls[0].Fault != tt.kind || calls[1].Fault != tt.kind || calls[2].Fault != "" ||
				calls[0].Code != tt.code || calls[0].Status != tt.status || calls[0].Service != tt.service {
				t.Errorf("calls %+v", calls)
			}
		})
	}
}

func TestFaultUntilCleared(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	f.Inject(awsfake.Fault{Service: "ec2", Op: "DescribeInstances", Kind: awsfake.Throttle})
	for range 3 {
		wantError(t, "ec2", c.ec2("DescribeInstances"), 503, "RequestLimitExceeded")
	}
	wantError(t, "ec2", c.ec2("StopInstances", "InstanceId.1", "i-0123456789abcdef0"), 400, "InvalidInstanceID.NotFound")
	f.ClearFaults()
	ok(t, c.ec2("DescribeInstances"))
	var notFound struct {
		Groups []tGroup `xml:"DescribeAutoScalingGroupsResult>AutoScalingGroups>member"`
	}
	_ = f.AddGroup(awsfake.GroupSpec{Name: "g", Max: 1})
	f.Inject(awsfake.Fault{Service: "autoscaling", Op: "DescribeAutoScalingGroups", Kind: awsfake.NotFound, Count: 1})
	decodeXML(t, ok(t, c.asg("DescribeAutoScalingGroups", "AutoScalingGroupNames.member.1", "g")), &notFound)
	if len(notFound.Groups) != 0 {
		t.Errorf("NotFound on DescribeAutoScalingGroups: want no group, as AWS answers unknown names")
	}
}

func TestSilence(t *testing.T) {
	f, c := start(t, awsfake.Options{SilenceBound: 300 * time.Millisecond})
	f.Inject(awsfake.Fault{Service: "ec2", Kind: awsfake.Silence, Count: 2})

	// The client gives up first.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader("Action=DescribeInstances&Version=2016-11-15"))
	req.Header.Set("Authorization", c.authorization("ec2"))
	t0 := time.Now()
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("silenced request answered %d", resp.StatusCode)
	}
	// The bound passes first: the connection is dropped.
	req, _ = http.NewRequest(http.MethodPost, c.url, strings.NewReader("Action=DescribeInstances&Version=2016-11-15"))
	req.Header.Set("Authorization", c.authorization("ec2"))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("silenced request answered %d", resp.StatusCode)
	}
	if d := time.Since(t0); d < 350*time.Millisecond {
		t.Errorf("silences took %s, want ≥ 100 ms + 300 ms", d)
	}
	ok(t, c.ec2("DescribeInstances"))
	if calls := f.Calls(); len(calls) != 3 || calls[0].Fault != awsfake.Silence || calls[0].Status != 0 {
		t.Errorf("calls %+v", calls)
	}
}
