package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

// settings are what a call's clients are built with; tests shorten the
// retries' backoff.
type settings struct {
	// maxAttempts per API call, retries included (the SDK's standard
	// retryer: throttling, 5xx, broken connections).
	maxAttempts int
	// maxBackoff caps one wait between attempts.
	maxBackoff time.Duration
	// backoff replaces the SDK's jittered exponential backoff (tests).
	backoff retry.BackoffDelayer
	// timeout is the call's deadline, for messages.
	timeout time.Duration
}

// defaultSettings: 4 attempts with waits of at most 5 s keep a throttled
// or failing call well inside the call's deadline.
func defaultSettings() settings {
	return settings{maxAttempts: 4, maxBackoff: 5 * time.Second}
}

func (s settings) retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = s.maxAttempts
		o.MaxBackoff = s.maxBackoff
		if s.backoff != nil {
			o.Backoff = s.backoff
		}
	})
}

// caller holds one call's clients.
type caller struct {
	region string
	// endpoint is where every call goes when set: the target's
	// EndpointURL, else the SDK's AWS_ENDPOINT_URL (cfg.BaseEndpoint).
	endpoint string
	target   Target
	settings settings
	ec2      *ec2.Client
	asg      *autoscaling.Client
	ecr      *ecr.Client
}

// validRegion is a host label: anything else cannot name an endpoint.
var validRegion = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// connect loads the SDK's configuration for t (its default chain, with
// t's region, profile and endpoint when set) and retrieves credentials up
// front, so that missing ones are said as such rather than as a signing
// error of the first call.
func connect(ctx context.Context, t Target, s settings) (*caller, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(s.retryer),
	}
	if t.Region != "" {
		opts = append(opts, config.WithRegion(t.Region))
	}
	if t.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(t.Profile))
	}
	if t.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(t.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return nil, &Error{Code: CodeNoCredentials, Message: fmt.Sprintf(
				"AWS profile %q is in neither %s nor %s", missing.Profile, sharedConfigFile(), sharedCredentialsFile())}
		}
		return nil, &Error{Code: CodeInvalid, Message: "loading the AWS configuration: " + err.Error()}
	}
	if cfg.Region == "" {
		return nil, &Error{Code: CodeUnknownRegion, Message: "no AWS region: none in the target, AWS_REGION, AWS_DEFAULT_REGION or the profile's section of " + sharedConfigFile()}
	}
	if !validRegion.MatchString(cfg.Region) {
		return nil, &Error{Code: CodeUnknownRegion, Message: fmt.Sprintf("AWS region %q is not a region name (like eu-west-3)", cfg.Region)}
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, err // the deadline or a signal: said as such
		}
		return nil, noCredentials(err, t.Profile)
	}
	return &caller{
		region:   cfg.Region,
		endpoint: aws.ToString(cfg.BaseEndpoint),
		target:   t,
		settings: s,
		ec2:      ec2.NewFromConfig(cfg),
		asg:      autoscaling.NewFromConfig(cfg),
		ecr:      ecr.NewFromConfig(cfg),
	}, nil
}

// noCredentials says which sources the SDK's default chain looked at
// (gazr says how to provide one).
func noCredentials(err error, profile string) *Error {
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	return &Error{Code: CodeNoCredentials, Message: fmt.Sprintf(
		"no AWS credentials: looked at AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile %q in %s and %s (keys, SSO, assumed role, credential_process), "+
			"a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), the container role and the EC2 instance role (the SDK said: %v)",
		profile, sharedCredentialsFile(), sharedConfigFile(), err)}
}

func sharedCredentialsFile() string {
	if f := os.Getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
		return f
	}
	return "~/.aws/credentials"
}

func sharedConfigFile() string {
	if f := os.Getenv("AWS_CONFIG_FILE"); f != "" {
		return f
	}
	return "~/.aws/config"
}
