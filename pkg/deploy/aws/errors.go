package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// call runs one helper call for the env's target, and turns its error
// into one line naming the env and what to do.
func (b *Backend) call(ctx context.Context, req awsproto.Request) (awsproto.Response, error) {
	req.Version, req.Target = awsproto.Version, b.target
	res, err := b.caller.Call(ctx, req)
	if err != nil {
		return res, b.explain(err)
	}
	return res, nil
}

// explain says an error of the helper in one line: the env, what
// failed (the helper's message, which names the call), and the fix. The
// *awsproto.Error stays in the chain (errors.As), and NotFound wraps
// deploy.ErrNotFound.
func (b *Backend) explain(err error) error {
	var ae *awsproto.Error
	if !errors.As(err, &ae) {
		return fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	name := b.env.Name
	switch ae.Code {
	case awsproto.CodeNoCredentials:
		return marked(deploy.ErrSetup, "env %s: %w; export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or set profile in [env.%s.aws] (or AWS_PROFILE) to a profile of aws configure (aws sso login for SSO)", name, ae, name)
	case awsproto.CodeUnknownRegion:
		return marked(deploy.ErrSetup, "env %s: %w; set region in [env.%s.aws] (or AWS_REGION) to your account's region, like eu-west-3", name, ae, name)
	case awsproto.CodeAccessDenied:
		return fmt.Errorf("env %s: %w; grant %s to these credentials (docs/aws has the least-privilege policy)", name, ae, or(ae.Permission, "the permission it needs"))
	case awsproto.CodeThrottled:
		return fmt.Errorf("env %s: %w; try again in a minute, or raise the account's API rate quota", name, ae)
	case awsproto.CodeUnreachable:
		return fmt.Errorf("env %s: %w; check the network (or endpoint_url in [env.%s.aws], AWS_ENDPOINT_URL)", name, ae, name)
	case awsproto.CodeNotFound:
		return marked(deploy.ErrNotFound, "env %s: %w; check managers and workers in [env.%s.aws], its region and profile", name, ae, name)
	case awsproto.CodeOutOfRange:
		return fmt.Errorf("env %s: %w; change the group's min/max size in your infrastructure code first", name, ae)
	}
	switch {
	case ae.Action != "" && strings.HasPrefix(ae.Message, ae.Action):
		return fmt.Errorf("env %s: AWS %w%s", name, ae, badCredentials(ae.Message, name))
	case ae.Action != "":
		return fmt.Errorf("env %s: AWS %s: %w%s", name, ae.Action, ae, badCredentials(ae.Message, name))
	}
	return fmt.Errorf("env %s: AWS: %w", name, ae)
}

// marked is fmt.Errorf's error that is also kind (errors.Is) without
// saying it: "does not exist (not found)" would say it twice. Not found
// is a set-up error too (a name in the config).
func marked(kind error, format string, args ...any) error {
	return markedError{fmt.Errorf(format, args...), kind}
}

type markedError struct{ err, kind error }

func (e markedError) Error() string { return e.err.Error() }
func (e markedError) Unwrap() error { return e.err }
func (e markedError) Is(target error) bool {
	return target == e.kind || target == deploy.ErrSetup && e.kind == deploy.ErrNotFound
}

// badKeyCodes are the APIs' codes for credentials they do not accept (an
// unknown or deleted access key, a wrong secret, an expired session).
var badKeyCodes = []string{"AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "ExpiredToken"}

// badCredentials is the fix for an error saying the credentials were
// refused, or "".
func badCredentials(msg, env string) string {
	for _, c := range badKeyCodes {
		if strings.Contains(msg, c) {
			return "; AWS does not accept these credentials: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, profile in [env." + env + ".aws]) and renew expired ones"
		}
	}
	return ""
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
