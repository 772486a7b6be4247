package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// Check implements deploy.Backend: the helper, credentials and region,
// the two groups, a manager answering, the registry login, the schedule.
// It changes nothing.
func (b *Backend) Check(ctx context.Context) ([]deploy.Finding, error) {
	var fs []deploy.Finding
	if l, ok := b.caller.(interface{ Locate() (string, error) }); ok {
		p, err := l.Locate()
		if err != nil {
			return append(fs, deploy.Finding{Name: "helper", Level: deploy.Failure, Detail: err.Error(),
				Fix: "install gazr-aws next to gazr (" + Helper.Install + ") or set " + HelperEnv}), nil
		}
		fs = append(fs, deploy.Finding{Name: "helper", Level: deploy.OK, Detail: "gazr-aws at " + p})
	}
	cl, err := b.describe(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("env %s: check: %w", b.env.Name, ctx.Err())
		}
		return append(fs, b.apiFinding(err)), nil
	}
	fs = append(fs, deploy.Finding{Name: "credentials", Level: deploy.OK, Detail: "the AWS API answers, region " + or(cl.Region, "(the SDK's default)")})
	fs = append(fs, b.groupFinding("managers", cl.Managers, true), b.groupFinding("workers", cl.Workers, false))
	fs = append(fs, b.managerFinding(ctx, cl))
	fs = append(fs, b.registryFinding(ctx))
	if f, ok := b.scheduleFinding(cl.Workers); ok {
		fs = append(fs, f)
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("env %s: check: %w", b.env.Name, ctx.Err())
	}
	return fs, nil
}

// apiFinding grades a failed describe by its cause.
func (b *Backend) apiFinding(err error) deploy.Finding {
	f := deploy.Finding{Level: deploy.Failure, Detail: err.Error(), Name: "aws"}
	var ae *awsproto.Error
	if !errors.As(err, &ae) {
		f.Name, f.Fix = "helper", "run gazr-aws --protocol to see that it works; reinstall it ("+Helper.Install+")"
		return f
	}
	// err is one line from explain: what failed, then "; " and the fix.
	if i := strings.LastIndex(f.Detail, "; "); i > 0 {
		f.Detail, f.Fix = f.Detail[:i], f.Detail[i+2:]
	}
	switch ae.Code {
	case awsproto.CodeNoCredentials:
		f.Name = "credentials"
	case awsproto.CodeUnknownRegion:
		f.Name = "region"
	case awsproto.CodeAccessDenied:
		f.Name = "permissions"
	case awsproto.CodeNotFound:
		f.Name = "groups"
	}
	if f.Fix == "" {
		f.Fix = "see docs/aws for the set-up gazr expects"
	}
	return f
}

func (b *Backend) groupFinding(role string, g awsproto.Group, needed bool) deploy.Finding {
	f := deploy.Finding{Name: role, Level: deploy.OK}
	running := 0
	for _, in := range g.Instances {
		if in.State == "running" {
			running++
		}
	}
	f.Detail = fmt.Sprintf("%s: %s", or(g.Searched, role), census(g))
	switch {
	case g.ASG != "" && g.Searched == "Auto Scaling group "+g.ASG:
		f.Detail += fmt.Sprintf("; min %d, max %d, desired %d", g.Min, g.Max, g.Desired)
	case g.ASG != "":
		f.Detail += fmt.Sprintf("; Auto Scaling group %s, min %d, max %d, desired %d", g.ASG, g.Min, g.Max, g.Desired)
	}
	if running == 0 {
		f.Level = deploy.Warning
		if needed {
			f.Level = deploy.Failure
		}
		f.Fix = fmt.Sprintf("correct %s in [env.%s.aws] (default: tags Name=Swarm%s-%s), region and profile; or start its instances",
			role, b.env.Name, map[bool]string{true: "Manager", false: "Worker"}[needed], b.env.Name)
	}
	return f
}

func (b *Backend) managerFinding(ctx context.Context, cl *awsproto.Cluster) deploy.Finding {
	f := deploy.Finding{Name: "manager"}
	var api deploy.SwarmAPI
	var err error
	if b.env.Manager != "" {
		api, err = b.pinned(ctx)
	} else {
		api, err = b.managerOf(ctx, cl)
	}
	if err != nil {
		f.Level, f.Detail = deploy.Failure, err.Error()
		f.Fix = fmt.Sprintf("check that gazr reaches the managers (ssh_user, jump in [env.%s.aws]; %s or ~/.ssh/config; security groups) and that docker runs there", b.env.Name, "GAZR_SSH_CONFIG")
		return f
	}
	defer api.Close()
	f.Level, f.Detail = deploy.OK, "a manager answers"
	if info, err := api.Info(ctx, client.InfoOptions{}); err == nil {
		sw := info.Info.Swarm
		f.Detail = fmt.Sprintf("manager %s (%s) answers: active swarm, %d nodes, %d managers", info.Info.Name, sw.NodeAddr, sw.Nodes, sw.Managers)
	}
	return f
}

func (b *Backend) registryFinding(ctx context.Context) deploy.Finding {
	f := deploy.Finding{Name: "registry"}
	reg, err := b.Registry(ctx)
	switch {
	case err != nil:
		f.Level, f.Detail = deploy.Failure, err.Error()
		f.Fix = "grant ecr:GetAuthorizationToken, or set registry in [env." + b.env.Name + ".aws] to a registry of yours"
	case b.ecr():
		f.Level, f.Detail = deploy.OK, fmt.Sprintf("ECR %s: login works until %s", reg.Host, reg.Expires.Format("15:04 MST"))
	default:
		f.Level, f.Detail = deploy.OK, reg.Host+" with the docker CLI's credentials"
	}
	return f
}

// scheduleFinding says whether the configured schedule is in force; no
// finding when there is none either way.
func (b *Backend) scheduleFinding(g awsproto.Group) (deploy.Finding, bool) {
	want := schedule(b.env.WorkerSchedule())
	ok, diff := scheduleInForce(want, g.Scheduled)
	switch {
	case len(want) == 0 && ok:
		return deploy.Finding{}, false
	case ok:
		return deploy.Finding{Name: "schedule", Level: deploy.OK, Detail: fmt.Sprintf("%d scheduled changes in force", len(want))}, true
	case g.ASG == "":
		return deploy.Finding{Name: "schedule", Level: deploy.Failure, Detail: "a schedule is configured and the workers belong to no Auto Scaling group",
			Fix: fmt.Sprintf("set workers = { asg = \"…\" } in [env.%s.aws]", b.env.Name)}, true
	}
	return deploy.Finding{Name: "schedule", Level: deploy.Warning, Detail: "the configured schedule is not in force: " + diff,
		Fix: fmt.Sprintf("gazr cluster apply --env %s", b.env.Name)}, true
}
