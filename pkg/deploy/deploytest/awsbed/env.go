package awsbed

import (
	"fmt"
	"strconv"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// SecretAccessKey goes with awsfake.DefaultAccessKeyID: the fake checks
// the key's id, not the signature.
const SecretAccessKey = "gazr-awsbed-fake-secret"

// EnvTOML is the env's block for a project's .gazr.toml: backend "aws",
// the fake's endpoint and region, root over ssh, ECR, the two groups.
func (b *Bed) EnvTOML() string {
	q := strconv.Quote
	return fmt.Sprintf(`[env.%[1]s]
backend = "aws"

[env.%[1]s.aws]
region = %[2]s
endpoint_url = %[3]s
ssh_user = "root"
registry = "ecr"
managers = { asg = %[4]s }
workers = { asg = %[5]s }
`, b.opts.Env, q(b.opts.Region), q(b.URL), q(b.ManagersGroup()), q(b.WorkersGroup()))
}

// Env is the env as gazr loads it from [Bed.EnvTOML].
func (b *Bed) Env() *config.Environment {
	cfg, err := config.Parse(".gazr.toml", []byte(b.EnvTOML()))
	if err != nil {
		panic(fmt.Sprintf("awsbed: the env block does not load: %v\n%s", err, b.EnvTOML()))
	}
	return cfg.Envs[b.opts.Env]
}

// Environ is the environment gazr (and its gazr-aws helper) needs besides
// the env: the fake's credentials and region, and the bed's ssh_config
// (sshconn.ConfigEnv), as NAME=value.
func (b *Bed) Environ() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + awsfake.DefaultAccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + b.opts.Region,
		sshconn.ConfigEnv + "=" + b.Swarm.SSHConfig,
	}
}
