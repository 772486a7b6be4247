package deploy

import (
	"cmp"
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
	spec, cfg, err := edge.Spec(edge.Options{Name: edgeName(env), Image: edgeImage(img), Port: env.EdgePort, Networks: networks}, routes)
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
	// The edge's spec holds no secret, and every env on its port shares
	// it: its hash needs no env's key.
	Stamp(nil, &spec)
	cur, err := api.ServiceInspect(ctx, spec.Name, client.ServiceInspectOptions{})
	if err == nil && SameSpec(nil, cur.Service.Spec, spec) {
		return nil
	}
	fmt.Fprintf(out, "edge: routing %d service(s) on port %d\n", len(routes), env.EdgePort)
	t := Target{Name: spec.Name, Image: imageOf(spec)}
	if err == nil {
		t.ID, t.Since = cur.Service.ID, cur.Service.UpdatedAt
		if cur.Service.UpdateStatus != nil {
			t.Stale = cur.Service.UpdateStatus.StartedAt
		}
		_, err = api.ServiceUpdate(ctx, cur.Service.ID, client.ServiceUpdateOptions{Version: cur.Service.Version, Spec: spec})
	} else {
		var res client.ServiceCreateResult
		res, err = api.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec})
		t.ID, t.Created = res.ID, true
	}
	if err != nil {
		return fmt.Errorf("edge: %w", err)
	}
	// The URL works when the deploy returns: wait for the edge too.
	return Wait(ctx, api, []Target{t}, env.Timeout, out)
}

// edgeName is the edge service of env's port: envs sharing a swarm on
// different ports each get theirs; every edge routes every routed service.
func edgeName(env *config.Environment) string {
	if env.EdgePort != edge.DefaultPort {
		return fmt.Sprintf("%s-%d", edge.DefaultName, env.EdgePort)
	}
	return edge.DefaultName
}

// edgeImage is the edge's image: img, else $GAZR_EDGE_IMAGE, else
// edge.DefaultImage.
func edgeImage(img string) string {
	return cmp.Or(img, os.Getenv("GAZR_EDGE_IMAGE"), edge.DefaultImage)
}

// CheckEdgeImage fails when the edge would change to an image that is
// neither on the manager's engine nor inspectable in its registry: checked
// before the rollout, so that an edge that cannot start never follows a
// rollout of the app (which then looked rolled back while it ran).
func CheckEdgeImage(ctx context.Context, api SwarmAPI, env *config.Environment, img string) error {
	if env.Domain == "" {
		return nil
	}
	img = edgeImage(img)
	cur, err := api.ServiceInspect(ctx, edgeName(env), client.ServiceInspectOptions{})
	if err == nil && imageOf(cur.Service.Spec) == img {
		return nil
	}
	_, err = api.ImageInspect(ctx, img)
	if err == nil {
		return nil
	}
	if dist, ok := api.(client.DistributionAPIClient); ok {
		_, derr := dist.DistributionInspect(ctx, img, client.DistributionInspectOptions{})
		if derr == nil {
			return nil
		}
		err = derr
	}
	return fmt.Errorf("edge: image %q is not on the swarm manager's engine and its registry cannot be asked for it (%v); nothing was deployed: pull or load it on the manager, or set GAZR_EDGE_IMAGE", img, err)
}
