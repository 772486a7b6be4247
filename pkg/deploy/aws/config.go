package aws

import (
	"fmt"
	"maps"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// ECR is the registry setting that means the account's ECR.
const ECR = "ecr"

// settings resolves an env's [env.X.aws] table with its defaults, and
// refuses what the config package could not tell (an env built in code).
func settings(env *config.Environment) (config.AWS, error) {
	a := config.AWS{Access: "ssh"}
	if env.AWS != nil {
		a = *env.AWS
	}
	if a.Access == "" {
		a.Access = "ssh"
	}
	if a.Managers == nil {
		a.Managers = &config.Group{Tags: map[string]string{"Name": "SwarmManager-" + env.Name}}
	}
	if a.Workers == nil {
		a.Workers = &config.Group{Tags: map[string]string{"Name": "SwarmWorker-" + env.Name}}
	}
	switch {
	case a.Access != "ssh" && a.Access != "tls" && a.Access != "tcp":
		return a, &config.Error{Msg: fmt.Sprintf("env %s: aws access %q must be ssh, tls or tcp", env.Name, a.Access)}
	case a.Access == "tcp" && !a.Insecure:
		return a, &config.Error{Msg: fmt.Sprintf("env %s: aws access = \"tcp\" is plain TCP without TLS: anyone who reaches it controls the cluster; "+
			"use \"ssh\" or \"tls\", or set insecure = true in [env.%s.aws] to allow it", env.Name, env.Name)}
	case a.Access == "tls" && env.TLS.Cert == "":
		return a, &config.Error{Msg: fmt.Sprintf("env %s: aws access = \"tls\" needs the client certificate: set tls = { ca = \"…\", cert = \"…\", key = \"…\" } in [env.%s]", env.Name, env.Name)}
	}
	if env.Manager != "" {
		// A pinned manager (manager = "…" in [env.X]) is used instead of
		// the instances: check it as the local backend does.
		if _, err := deploy.ResolveEndpoint(env); err != nil {
			return a, err
		}
	}
	return a, nil
}

// target is what the helper needs to find the env's groups.
func target(a config.AWS) awsproto.Target {
	return awsproto.Target{Region: a.Region, Profile: a.Profile, EndpointURL: a.EndpointURL,
		Managers: selector(a.Managers), Workers: selector(a.Workers)}
}

func selector(g *config.Group) awsproto.Selector {
	return awsproto.Selector{ASG: g.ASG, Tags: maps.Clone(g.Tags)}
}

// registryName is where the env's images go: the env's own registry key
// when set (it wins, so that a copy of the env can point elsewhere), else
// the aws table's, else the account's ECR (the backend needs a registry).
func registryName(env *config.Environment, a config.AWS) string {
	switch {
	case env.Registry != "":
		return env.Registry
	case a.Registry != "":
		return a.Registry
	}
	return ECR
}

// schedule is the env's schedule as the helper writes it: gazr's names
// are ManagedPrefix and the entry's number.
func schedule(s []config.Schedule) []awsproto.ScheduledAction {
	out := make([]awsproto.ScheduledAction, 0, len(s))
	for i, e := range s {
		out = append(out, awsproto.ScheduledAction{Name: fmt.Sprintf("%s%d", awsproto.ManagedPrefix, i+1),
			Recurrence: e.Cron, TimeZone: e.TZ, Desired: int(e.Workers)})
	}
	return out
}
