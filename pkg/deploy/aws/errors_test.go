package aws

import (
	"errors"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsmem"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// TestErrors: each helper error is one line naming the env, what failed
// and what to do; Check turns it into a finding with that fix.
func TestErrors(t *testing.T) {
	tests := []struct {
		err          awsproto.Error
		want, name   string
		wantNotFound bool
	}{
		{awsproto.Error{Code: awsproto.CodeNoCredentials, Message: "no credentials in the environment, shared files ~/.aws/credentials, ~/.aws/config, SSO, or the instance role"},
			"env staging: no credentials in the environment, shared files ~/.aws/credentials, ~/.aws/config, SSO, or the instance role; export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or set profile in [env.staging.aws] (or AWS_PROFILE)", "credentials", false},
		{awsproto.Error{Code: awsproto.CodeUnknownRegion, Message: "no region set"},
			"env staging: no region set; set region in [env.staging.aws] (or AWS_REGION) to your account's region, like eu-west-3", "region", false},
		{awsproto.Error{Code: awsproto.CodeAccessDenied, Message: "AWS refused ec2:DescribeInstances (not authorized)", Action: "ec2:DescribeInstances", Permission: "ec2:DescribeInstances"},
			"env staging: AWS refused ec2:DescribeInstances (not authorized); grant ec2:DescribeInstances to these credentials", "permissions", false},
		{awsproto.Error{Code: awsproto.CodeThrottled, Message: "autoscaling:DescribeAutoScalingGroups: AWS throttled it 3 times, gave up (Throttling: Rate exceeded)", Action: "autoscaling:DescribeAutoScalingGroups"},
			"env staging: autoscaling:DescribeAutoScalingGroups: AWS throttled it 3 times, gave up (Throttling: Rate exceeded); try again in a minute", "aws", false},
		{awsproto.Error{Code: awsproto.CodeUnreachable, Message: "https://ec2.eu-west-3.amazonaws.com: dial tcp: i/o timeout"},
			"env staging: https://ec2.eu-west-3.amazonaws.com: dial tcp: i/o timeout; check the network", "aws", false},
		{awsproto.Error{Code: awsproto.CodeNotFound, Message: "no Auto Scaling group swarm-worker-staging-asg"},
			"env staging: no Auto Scaling group swarm-worker-staging-asg; check managers and workers in [env.staging.aws]", "groups", true},
		{awsproto.Error{Code: awsproto.CodeAPI, Message: "ec2:DescribeInstances: AuthFailure: AWS was not able to validate the provided access credentials", Action: "ec2:DescribeInstances"},
			"env staging: AWS ec2:DescribeInstances: AuthFailure: AWS was not able to validate the provided access credentials; AWS does not accept these credentials: check AWS_ACCESS_KEY_ID", "aws", false},
	}
	for _, tt := range tests {
		t.Run(tt.err.Code, func(t *testing.T) {
			cloud := &awsmem.Cloud{Fail: map[string]*awsproto.Error{awsproto.OpDescribe: &tt.err}}
			b, err := NewWith(deploy.BackendOptions{Env: &config.Environment{Name: "staging", Backend: "aws"}}, cloud)
			if err != nil {
				t.Fatal(err)
			}
			_, err = b.Nodes(ctx(t))
			var ae *awsproto.Error
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || !errors.As(err, &ae) {
				t.Errorf("Nodes: %v\nwant %s…", err, tt.want)
			}
			if errors.Is(err, deploy.ErrNotFound) != tt.wantNotFound {
				t.Errorf("errors.Is(%v, ErrNotFound) = %v", err, !tt.wantNotFound)
			}
			fs, err := b.Check(ctx(t))
			if err != nil || len(fs) != 1 || fs[0].Name != tt.name || fs[0].Level != deploy.Failure || fs[0].Fix == "" || strings.Contains(fs[0].Detail, "; ") {
				t.Errorf("Check = %+v, %v; want one %s failure with a fix", fs, err, tt.name)
			}
		})
	}
}

// TestCheck: a healthy env's findings, all OK, and no change made.
func TestCheck(t *testing.T) {
	e := newBed(t, 2, 1)
	fs, err := e.b.Check(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
		if f.Level != deploy.OK {
			t.Errorf("finding %+v", f)
		}
	}
	if s := strings.Join(names, " "); s != "credentials managers workers manager registry" {
		t.Errorf("findings %s", s)
	}
	if ops := e.ops(); len(ops) != 1 || ops[0] != awsproto.OpRegistryLogin {
		t.Errorf("Check called %v; want only describe and a login", ops)
	}
	// No manager answers: a failure naming each.
	for _, in := range e.instances(awsproto.RoleManagers) {
		e.refuse[in.ID] = errors.New("ssh: Connection refused")
	}
	fs, _ = e.b.Check(ctx(t))
	for _, f := range fs {
		if f.Name == "manager" && (f.Level != deploy.Failure || !strings.Contains(f.Detail, "Connection refused") || !strings.Contains(f.Fix, "GAZR_SSH_CONFIG")) {
			t.Errorf("manager finding %+v", f)
		}
	}
}
