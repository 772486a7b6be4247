package local

import (
	"context"
	"fmt"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// Check implements deploy.Backend: the manager's engine answers, it
// manages an active swarm (or the local engine can be made one), and a
// swarm of several nodes has a registry to pull from (a warning: deploy
// refuses only a project that builds images). It changes nothing:
// no swarm is initialised here.
func (b *Backend) Check(ctx context.Context) ([]deploy.Finding, error) {
	ep, err := deploy.ResolveEndpoint(b.env)
	if err != nil {
		return []deploy.Finding{{Name: "manager", Level: deploy.Failure, Detail: err.Error(),
			Fix: fmt.Sprintf("correct manager, tls or insecure in [env.%s]", b.env.Name)}}, nil
	}
	cli, err := client.New(append(ep.Opts, client.WithUserAgent("gazr"))...)
	if err != nil {
		return []deploy.Finding{{Name: "engine", Level: deploy.Failure, Detail: fmt.Sprintf("%s: %v", ep.Host, err),
			Fix: fmt.Sprintf("correct manager in [env.%s] (or DOCKER_HOST)", b.env.Name)}}, nil
	}
	defer cli.Close()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("env %s: check: %w", b.env.Name, ctx.Err())
		}
		return []deploy.Finding{{Name: "engine", Level: deploy.Failure,
			Detail: fmt.Sprintf("no engine answers at %s: %v", ep.Host, err), Fix: b.engineFix(ep.Host)}}, nil
	}
	fs := []deploy.Finding{{Name: "engine", Level: deploy.OK, Detail: "answers at " + ep.Host}}
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("env %s: check: %w", b.env.Name, ctx.Err())
		}
		return append(fs, deploy.Finding{Name: "swarm", Level: deploy.Failure, Detail: "engine info: " + err.Error(),
			Fix: "check the engine's own log: it answers but cannot describe itself"}), nil
	}
	fs = append(fs, b.swarmFinding(info.Info.Swarm))
	if sw := info.Info.Swarm; sw.LocalNodeState == swarm.LocalNodeStateActive && sw.Nodes > 1 && b.env.Registry == "" {
		fs = append(fs, deploy.Finding{Name: "registry", Level: deploy.Warning,
			Detail: fmt.Sprintf("the swarm has %d nodes and env %s has no registry: images gazr builds cannot reach the other nodes", sw.Nodes, b.env.Name),
			Fix:    fmt.Sprintf("set registry = \"host:port\" in [env.%s]", b.env.Name)})
	}
	return fs, nil
}

func (b *Backend) engineFix(host string) string {
	if b.env.Manager == "" {
		return "start the engine (systemctl start docker), or set DOCKER_HOST to its address"
	}
	return fmt.Sprintf("check that %s is reachable from here and its engine runs, or correct manager in [env.%s]", host, b.env.Name)
}

// swarmFinding grades the engine's swarm state.
func (b *Backend) swarmFinding(sw swarm.Info) deploy.Finding {
	f := deploy.Finding{Name: "swarm"}
	switch {
	case sw.LocalNodeState == swarm.LocalNodeStateActive && sw.ControlAvailable:
		f.Level, f.Detail = deploy.OK, fmt.Sprintf("manager of an active swarm (nodes: %d, managers: %d)", sw.Nodes, sw.Managers)
	case sw.LocalNodeState == swarm.LocalNodeStateActive:
		f.Level, f.Detail = deploy.Failure, "the engine is a swarm worker, not a manager"
		f.Fix = fmt.Sprintf("point manager in [env.%s] at a manager node", b.env.Name)
	case sw.LocalNodeState == swarm.LocalNodeStateInactive && b.Properties().InitSwarm:
		f.Level, f.Detail = deploy.Warning, "the engine is in no swarm"
		f.Fix = fmt.Sprintf("gazr deploy --env %s makes it a single-node swarm (or run docker swarm init)", b.env.Name)
	case sw.LocalNodeState == swarm.LocalNodeStateInactive:
		f.Level, f.Detail = deploy.Failure, "the engine is in no swarm"
		f.Fix = "run docker swarm init on the manager"
	case sw.LocalNodeState == swarm.LocalNodeStateLocked:
		f.Level, f.Detail = deploy.Failure, "the swarm is locked"
		f.Fix = "run docker swarm unlock on the manager, with the swarm's unlock key"
	default:
		f.Level, f.Detail = deploy.Failure, fmt.Sprintf("swarm state %q %s", sw.LocalNodeState, sw.Error)
		f.Fix = "see the Swarm section of docker info on the manager"
	}
	return f
}
