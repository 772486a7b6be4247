package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// opErr wraps err as the SDK does: operation, retries, HTTP response.
func opErr(service, op string, attempts, status int, err error) error {
	if status != 0 {
		req, _ := http.NewRequest("POST", "https://ec2.eu-west-3.amazonaws.com/?x=1", nil)
		err = &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Request: req}},
			Err:      err,
		}}
	}
	if attempts > 1 {
		err = &retry.MaxAttemptsError{Attempt: attempts, Err: err}
	}
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: err}
}

func apiErr(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

func TestToError(t *testing.T) {
	refused := &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "http://127.0.0.1:9/", Err: &net.OpError{
		Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}}
	nxdomain := &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "https://ec2.xx-nowhere-1.amazonaws.com/", Err: &net.OpError{
		Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "ec2.xx-nowhere-1.amazonaws.com", IsNotFound: true}}}}
	tests := []struct {
		name     string
		err      error
		endpoint string // Target.EndpointURL
		want     Error
		wantMsg  []string // substrings of Message
	}{
		{"EC2 unauthorized", opErr("EC2", "DescribeInstances", 1, 403, apiErr("UnauthorizedOperation", "You are not authorized to perform this operation.")), "",
			Error{Code: CodeAccessDenied, Action: "ec2:DescribeInstances", Permission: "ec2:DescribeInstances"},
			[]string{"AWS refused ec2:DescribeInstances (UnauthorizedOperation: You are not authorized"}},
		{"Auto Scaling access denied", opErr("Auto Scaling", "SetDesiredCapacity", 1, 403, apiErr("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized")), "",
			Error{Code: CodeAccessDenied, Action: "autoscaling:SetDesiredCapacity", Permission: "autoscaling:SetDesiredCapacity"}, []string{"is not authorized"}},
		{"ECR access denied", opErr("ECR", "GetAuthorizationToken", 1, 400, apiErr("AccessDeniedException", "denied")), "",
			Error{Code: CodeAccessDenied, Action: "ecr:GetAuthorizationToken", Permission: "ecr:GetAuthorizationToken"}, nil},
		{"EC2 throttled", opErr("EC2", "DescribeInstances", 4, 503, apiErr("RequestLimitExceeded", "Request limit exceeded.")), "",
			Error{Code: CodeThrottled, Action: "ec2:DescribeInstances"}, []string{"AWS throttled it 4 times, gave up", "RequestLimitExceeded"}},
		{"Auto Scaling throttled", opErr("Auto Scaling", "DescribeAutoScalingGroups", 4, 400, apiErr("Throttling", "Rate exceeded")), "",
			Error{Code: CodeThrottled, Action: "autoscaling:DescribeAutoScalingGroups"}, []string{"throttled it 4 times, gave up"}},
		{"HTTP 429 without a code", opErr("ECR", "DescribeRepositories", 4, 429, apiErr("", "")), "",
			Error{Code: CodeThrottled, Action: "ecr:DescribeRepositories"}, nil},
		{"instance not found", opErr("EC2", "StopInstances", 1, 400, apiErr("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist")), "",
			Error{Code: CodeNotFound, Action: "ec2:StopInstances"}, []string{"i-1"}},
		{"group not found", opErr("Auto Scaling", "SetDesiredCapacity", 1, 400, apiErr("ValidationError", "AutoScalingGroup name not found - no such group")), "",
			Error{Code: CodeNotFound, Action: "autoscaling:SetDesiredCapacity"}, nil},
		{"other validation error", opErr("Auto Scaling", "SetDesiredCapacity", 1, 400, apiErr("ValidationError", "New SetDesiredCapacity value 30 is above max value 25")), "",
			Error{Code: CodeAPI, Action: "autoscaling:SetDesiredCapacity"}, []string{"ValidationError: New SetDesiredCapacity"}},
		{"repository not found", opErr("ECR", "DescribeRepositories", 1, 400, apiErr("RepositoryNotFoundException", "nope")), "",
			Error{Code: CodeNotFound, Action: "ecr:DescribeRepositories"}, nil},
		{"5xx after retries", opErr("EC2", "DescribeInstances", 4, 503, apiErr("Unavailable", "The service is unavailable.")), "",
			Error{Code: CodeUnreachable, Action: "ec2:DescribeInstances"}, []string{"https://ec2.eu-west-3.amazonaws.com answered HTTP 503, after 4 attempts"}},
		{"5xx without a body", opErr("EC2", "DescribeInstances", 4, 502, apiErr("UnknownError", "UnknownError")), "",
			Error{Code: CodeUnreachable, Action: "ec2:DescribeInstances"}, []string{"HTTP 502"}},
		{"connection refused", opErr("EC2", "DescribeInstances", 4, 0, refused), "http://127.0.0.1:9",
			Error{Code: CodeUnreachable, Action: "ec2:DescribeInstances"}, []string{"cannot reach http://127.0.0.1:9, after 4 attempts", "connection refused"}},
		{"unknown region", opErr("EC2", "DescribeInstances", 4, 0, nxdomain), "",
			Error{Code: CodeUnknownRegion, Action: "ec2:DescribeInstances"}, []string{`"eu-west-3"`, "ec2.xx-nowhere-1.amazonaws.com does not exist"}},
		{"EC2 access denied, encoded message", opErr("EC2", "StopInstances", 1, 403, apiErr("UnauthorizedOperation",
			"You are not authorized to perform this operation. User: u is not authorized. Encoded authorization failure message: AbCd0123")), "",
			Error{Code: CodeAccessDenied, Action: "ec2:StopInstances", Permission: "ec2:StopInstances"},
			[]string{"User: u is not authorized. [encoded authorization failure message left out])"}},
		{"region of another endpoint", opErr("Auto Scaling", "DescribeAutoScalingGroups", 1, 403, apiErr("SignatureDoesNotMatch",
			"Credential should be scoped to a valid region, not 'eu-west-9'.")), "http://127.0.0.1:9",
			Error{Code: CodeUnknownRegion, Action: "autoscaling:DescribeAutoScalingGroups"},
			[]string{`AWS region "eu-west-3": autoscaling:DescribeAutoScalingGroups refused it (SignatureDoesNotMatch: Credential should be scoped`}},
		{"other API error", opErr("EC2", "DescribeInstances", 1, 400, apiErr("InvalidParameterValue", "bad filter")), "",
			Error{Code: CodeAPI, Action: "ec2:DescribeInstances"}, []string{"ec2:DescribeInstances: InvalidParameterValue: bad filter"}},
		{"the helper's own", fmt.Errorf("x: %w", &Error{Code: CodeOutOfRange, Message: "out"}), "",
			Error{Code: CodeOutOfRange, Message: "out"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &caller{region: "eu-west-3", endpoint: tt.endpoint, target: Target{EndpointURL: tt.endpoint}, settings: settings{timeout: time.Minute}}
			got := c.toError(context.Background(), tt.err)
			msg := got.Message
			if tt.want.Message == "" {
				got.Message = ""
			}
			if *got != tt.want {
				t.Errorf("toError = %+v (%s)\nwant %+v", *got, msg, tt.want)
			}
			for _, s := range tt.wantMsg {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not say %q", msg, s)
				}
			}
		})
	}
}

func TestToErrorContext(t *testing.T) {
	c := &caller{region: "eu-west-3", settings: settings{timeout: 2 * time.Second}}
	err := opErr("EC2", "DescribeInstances", 1, 0, &smithyhttp.RequestSendError{Err: context.DeadlineExceeded})
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	got := c.toError(ctx, err)
	if got.Code != CodeUnreachable || !strings.Contains(got.Message, "no answer from https://ec2.eu-west-3.amazonaws.com within 2s") {
		t.Errorf("after the deadline: %+v", got)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	got = c.toError(ctx, err)
	if got.Code != CodeUnreachable || !strings.Contains(got.Message, "interrupted") {
		t.Errorf("after a signal: %+v", got)
	}
}
