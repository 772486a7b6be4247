package awsbed

import (
	"slices"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// TestEnv loads the env block as gazr does: what it says is what tests
// and users get.
func TestEnv(t *testing.T) {
	b := &Bed{URL: "http://127.0.0.1:4566", Swarm: &swarmbed.Bed{SSHConfig: "/tmp/x/ssh_config"},
		opts: Options{Env: "qa", Workers: 2}.withDefaults()}
	env := b.Env()
	if env.Name != "qa" || env.Backend != "aws" || env.AWS == nil {
		t.Fatalf("Env: %+v", env)
	}
	a := env.AWS
	if a.Region != "eu-west-3" || a.EndpointURL != b.URL || a.SSHUser != "root" || a.Registry != "ecr" ||
		a.Managers.ASG != "swarm-manager-qa-asg" || a.Workers.ASG != "swarm-worker-qa-asg" {
		t.Errorf("aws table: %+v\n%s", a, b.EnvTOML())
	}
	want := []string{"AWS_ACCESS_KEY_ID=AKIAGAZRFAKE00000000", "AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=eu-west-3", "GAZR_SSH_CONFIG=/tmp/x/ssh_config"}
	if got := b.Environ(); !slices.Equal(got, want) {
		t.Errorf("Environ: %q, want %q", got, want)
	}
}
