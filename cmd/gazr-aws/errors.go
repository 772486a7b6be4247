package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Error codes of the APIs, by what they mean to gazr.
var (
	accessDeniedCodes = map[string]bool{
		"AccessDenied":          true, // Auto Scaling, and IAM-style
		"AccessDeniedException": true, // ECR (JSON APIs)
		"UnauthorizedOperation": true, // EC2
	}
	throttledCodes = map[string]bool{
		"Throttling":                true, // Auto Scaling
		"ThrottlingException":       true, // ECR
		"RequestLimitExceeded":      true, // EC2
		"TooManyRequestsException":  true,
		"RequestThrottled":          true,
		"RequestThrottledException": true,
		"EC2ThrottledException":     true,
	}
	// wrongRegionCodes answer a signature scoped to another region.
	wrongRegionCodes = map[string]bool{
		"AuthFailure":               true, // EC2
		"SignatureDoesNotMatch":     true, // Auto Scaling
		"InvalidSignatureException": true, // ECR
	}
	notFoundCodes = map[string]bool{
		"RepositoryNotFoundException": true, // ECR
	}
)

// iamPrefixes are the IAM service prefixes of the SDK's service IDs.
var iamPrefixes = map[string]string{
	"EC2":          "ec2",
	"Auto Scaling": "autoscaling",
	"ECR":          "ecr",
}

// toError says err, a failed call's, as the protocol's Error. ctx is the
// call's: after its deadline or cancellation, that is what happened,
// whatever the SDK's error wraps.
func (c *caller) toError(ctx context.Context, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	action, service := actionOf(err)
	endpoint := c.endpointOf(err, service)
	switch {
	case errors.Is(ctx.Err(), context.Canceled) || errors.Is(err, context.Canceled):
		return &Error{Code: CodeUnreachable, Action: action, Message: fmt.Sprintf(
			"%s interrupted before %s answered (SIGINT or SIGTERM): whether it took effect is unknown", orCall(action), endpoint)}
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: CodeUnreachable, Action: action, Message: fmt.Sprintf(
			"%s: no answer from %s within %s (GAZR_AWS_TIMEOUT)", orCall(action), endpoint, c.settings.timeout)}
	}
	attempts := 1
	var max *retry.MaxAttemptsError
	if errors.As(err, &max) {
		attempts = max.Attempt
	}
	status := 0
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) {
		status = resp.HTTPStatusCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if e := apiError(api, action, c.region, status, attempts, endpoint); e != nil {
			return e
		}
	}
	if status >= 500 {
		return &Error{Code: CodeUnreachable, Action: action, Message: fmt.Sprintf(
			"%s: %s answered HTTP %d, %s", orCall(action), endpoint, status, afterAttempts(attempts))}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound && c.endpoint == "" && strings.HasSuffix(dns.Name, ".amazonaws.com") {
		return &Error{Code: CodeUnknownRegion, Action: action, Message: fmt.Sprintf(
			"AWS region %q: its endpoint %s does not exist (no such host)", c.region, dns.Name)}
	}
	var send *smithyhttp.RequestSendError
	var netErr net.Error
	if errors.As(err, &send) || errors.As(err, &netErr) {
		return &Error{Code: CodeUnreachable, Action: action, Message: fmt.Sprintf(
			"%s: cannot reach %s, %s: %v", orCall(action), endpoint, afterAttempts(attempts), rootCause(err))}
	}
	return &Error{Code: CodeAPI, Action: action, Message: fmt.Sprintf("%s: %v", orCall(action), err)}
}

// apiError maps an error the API answered, or returns nil for one that
// says nothing more than its HTTP status.
func apiError(api smithy.APIError, action, region string, status, attempts int, endpoint string) *Error {
	code, msg := api.ErrorCode(), api.ErrorMessage()
	said := code
	if msg != "" {
		said += ": " + msg
	}
	switch {
	case accessDeniedCodes[code]:
		return &Error{Code: CodeAccessDenied, Action: action, Permission: action, Message: fmt.Sprintf(
			"AWS refused %s (%s)", orCall(action), withoutEncoded(said))}
	case throttledCodes[code] || status == 429:
		return &Error{Code: CodeThrottled, Action: action, Message: fmt.Sprintf(
			"%s: AWS throttled it %s, gave up (%s)", orCall(action), times(attempts), said)}
	case wrongRegionCodes[code] && strings.Contains(msg, "scoped to a valid region"):
		// The endpoint is another region's than the one the call was
		// signed for: the region is not the endpoint's, or not one at all.
		return &Error{Code: CodeUnknownRegion, Action: action, Message: fmt.Sprintf(
			"AWS region %q: %s refused it (%s)", region, orCall(action), said)}
	case notFoundCodes[code] || strings.HasSuffix(code, ".NotFound") ||
		code == "ValidationError" && strings.Contains(strings.ToLower(msg), "not found"):
		return &Error{Code: CodeNotFound, Action: action, Message: fmt.Sprintf("%s: %s", orCall(action), said)}
	case status >= 500:
		return &Error{Code: CodeUnreachable, Action: action, Message: fmt.Sprintf(
			"%s: %s answered HTTP %d, %s (%s)", orCall(action), endpoint, status, afterAttempts(attempts), said)}
	case code == "" || code == "UnknownError":
		return nil
	}
	return &Error{Code: CodeAPI, Action: action, Message: fmt.Sprintf("%s: %s", orCall(action), said)}
}

// actionOf names the failed API call as IAM does ("ec2:DescribeInstances"),
// and returns the SDK's service ID.
func actionOf(err error) (action, service string) {
	var op *smithy.OperationError
	if !errors.As(err, &op) {
		return "", ""
	}
	prefix, ok := iamPrefixes[op.ServiceID]
	if !ok {
		prefix = strings.ToLower(strings.ReplaceAll(op.ServiceID, " ", ""))
	}
	return prefix + ":" + op.OperationName, op.ServiceID
}

// endpointOf names where the failed call went: the URL the SDK used when
// the error holds it, else the one the target or region implies.
func (c *caller) endpointOf(err error, service string) string {
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && resp.Response != nil && resp.Response.Request != nil {
		u := *resp.Response.Request.URL
		u.RawQuery, u.Path = "", ""
		return u.String()
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if u, perr := url.Parse(uerr.URL); perr == nil {
			u.RawQuery, u.Path = "", ""
			return u.String()
		}
	}
	if c.endpoint != "" {
		return c.endpoint
	}
	host := map[string]string{"EC2": "ec2", "Auto Scaling": "autoscaling", "ECR": "api.ecr"}[service]
	if host == "" {
		return "the AWS API of " + c.region
	}
	return fmt.Sprintf("https://%s.%s.amazonaws.com", host, c.region)
}

// rootCause is what failed: the network operation ("dial tcp
// 127.0.0.1:9: connect: connection refused") rather than the SDK's chain
// of wrappers, or else the innermost error.
func rootCause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		return op
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// withoutEncoded leaves out EC2's encoded authorization failure message
// (hundreds of characters, for aws sts decode-authorization-message): the
// action and the policy that refused it are said before it.
func withoutEncoded(msg string) string {
	if i := strings.Index(msg, " Encoded authorization failure message:"); i > 0 {
		return msg[:i] + " [encoded authorization failure message left out]"
	}
	return msg
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func afterAttempts(n int) string {
	if n == 1 {
		return "after 1 attempt"
	}
	return fmt.Sprintf("after %d attempts", n)
}

func orCall(action string) string {
	if action == "" {
		return "the AWS call"
	}
	return action
}
