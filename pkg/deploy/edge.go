package deploy

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/deploy/edge"
)

// UpdateEdge makes the swarm's edge proxy route every service that has a
// route label, on every stack. It changes the edge only when its routes or
// networks change, so a deploy of a new version never restarts it.
func UpdateEdge(ctx context.Context, api SwarmAPI, env *config.Environment, img string, out io.Writer) error {
	if env.Domain == "" {
		return nil
	}
	res, err := api.ServiceList(ctx, client.ServiceListOptions{Filters: client.Filters{}.Add("label", convert.LabelRouteHost)})
	if err != nil {
		return fmt.Errorf("edge: list routed services: %w", err)
	}
	routes := edge.RoutesFromServices(res.Items)
	nets := map[string]bool{}
	for _, s := range res.Items {
		for _, n := range s.Spec.TaskTemplate.Networks {
			nets[n.Target] = true
		}
	}
	var networks []string
	for n := range nets {
		networks = append(networks, n)
	}
	sort.Strings(networks)
	if img == "" {
		img = os.Getenv("GAZR_EDGE_IMAGE")
	}
	// One edge per host port: envs sharing a swarm on different ports
	// each get theirs; every edge routes every routed service.
	name := edge.DefaultName
	if env.EdgePort != edge.DefaultPort {
		name = fmt.Sprintf("%s-%d", edge.DefaultName, env.EdgePort)
	}
	spec, cfg, err := edge.Spec(edge.Options{Name: name, Image: img, Port: env.EdgePort, Networks: networks}, routes)
	if err != nil {
		return fmt.Errorf("edge: %w", err)
	}
	cfgID, err := ensureConfig(ctx, api, cfg)
	if err != nil {
		return fmt.Errorf("edge: %w", err)
	}
	for _, ref := range spec.TaskTemplate.ContainerSpec.Configs {
		if ref.ConfigName == cfg.Name {
			ref.ConfigID = cfgID
		}
	}
	Stamp(&spec)
	cur, err := api.ServiceInspect(ctx, spec.Name, client.ServiceInspectOptions{})
	if err == nil && SameSpec(cur.Service.Spec, spec) {
		return nil
	}
	fmt.Fprintf(out, "edge: routing %d service(s) on port %d\n", len(routes), env.EdgePort)
	t := Target{Name: spec.Name, Image: imageOf(spec)}
	if err == nil {
		t.ID = cur.Service.ID
		if cur.Service.UpdateStatus != nil {
			t.Stale = cur.Service.UpdateStatus.StartedAt
		}
		_, err = api.ServiceUpdate(ctx, cur.Service.ID, client.ServiceUpdateOptions{Version: cur.Service.Version, Spec: spec})
	} else {
		var res client.ServiceCreateResult
		res, err = api.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec})
		t.ID = res.ID
	}
	if err != nil {
		return fmt.Errorf("edge: %w", err)
	}
	// The URL works when the deploy returns: wait for the edge too.
	return Wait(ctx, api, []Target{t}, env.Timeout, out)
}
