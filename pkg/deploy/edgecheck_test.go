package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/edge"
)

// fakeEdgeEngine is a manager's engine as the edge check sees it: the
// edge service's current image (none: no edge yet) and the images it has.
// Any other call panics (nil SwarmAPI): the check must make none.
type fakeEdgeEngine struct {
	SwarmAPI
	edgeImage string
	images    map[string]bool
	inspected []string
}

func (f *fakeEdgeEngine) ServiceInspect(_ context.Context, name string, _ client.ServiceInspectOptions) (client.ServiceInspectResult, error) {
	if f.edgeImage == "" {
		return client.ServiceInspectResult{}, cerrdefs.ErrNotFound
	}
	spec := swarm.ServiceSpec{Annotations: swarm.Annotations{Name: name},
		TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: f.edgeImage + "@sha256:abc"}}}
	return client.ServiceInspectResult{Service: swarm.Service{Spec: spec}}, nil
}

func (f *fakeEdgeEngine) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	f.inspected = append(f.inspected, ref)
	if f.images[ref] {
		return client.ImageInspectResult{}, nil
	}
	return client.ImageInspectResult{}, cerrdefs.ErrNotFound
}

// fakeEdgeRegistry also answers for the registry, as the engine client does.
type fakeEdgeRegistry struct {
	*fakeEdgeEngine
	published map[string]bool
}

func (f fakeEdgeRegistry) DistributionInspect(_ context.Context, ref string, _ client.DistributionInspectOptions) (client.DistributionInspectResult, error) {
	if f.published[ref] {
		return client.DistributionInspectResult{}, nil
	}
	return client.DistributionInspectResult{}, errors.New("manifest unknown")
}

func TestCheckEdgeImage(t *testing.T) {
	routed := &config.Environment{Name: "staging", Domain: "example.test", EdgePort: edge.DefaultPort}
	tests := []struct {
		name    string
		env     *config.Environment
		api     func() SwarmAPI
		wantErr string // "" for no error
	}{
		{name: "no domain, no edge: nothing checked", env: &config.Environment{Name: "staging"},
			api: func() SwarmAPI { return &fakeEdgeEngine{} }},
		{name: "the edge already runs it", env: routed,
			api: func() SwarmAPI { return &fakeEdgeEngine{edgeImage: "traefik:v9"} }},
		{name: "a new image on the manager", env: routed,
			api: func() SwarmAPI {
				return &fakeEdgeEngine{edgeImage: "traefik:v8", images: map[string]bool{"traefik:v9": true}}
			}},
		{name: "not on the manager, in its registry", env: routed,
			api: func() SwarmAPI {
				return fakeEdgeRegistry{&fakeEdgeEngine{}, map[string]bool{"traefik:v9": true}}
			}},
		{name: "nowhere", env: routed,
			api:     func() SwarmAPI { return fakeEdgeRegistry{&fakeEdgeEngine{edgeImage: "traefik:v8"}, nil} },
			wantErr: `edge: image "traefik:v9" is not on the swarm manager's engine and its registry cannot be asked for it (manifest unknown); nothing was deployed`},
		{name: "not on the manager, no registry to ask", env: routed,
			api:     func() SwarmAPI { return &fakeEdgeEngine{} },
			wantErr: `edge: image "traefik:v9" is not on the swarm manager's engine`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckEdgeImage(context.Background(), tt.api(), tt.env, "traefik:v9")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("CheckEdgeImage = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)):
				t.Fatalf("CheckEdgeImage = %v, want %q…", err, tt.wantErr)
			}
		})
	}
}

// The check comes first in a rollout: with an edge image that cannot be
// had, the rollout stops before it builds, creates or updates anything
// (the fake panics on any call but the check's), and says the edge failed.
func TestRolloutChecksTheEdgeFirst(t *testing.T) {
	api := &fakeEdgeEngine{edgeImage: "traefik:v8"}
	o := Options{Env: &config.Environment{Name: "staging", Domain: "example.test", EdgePort: edge.DefaultPort}, EdgeImage: "traefik:v9"}
	targets, err := rollout(context.Background(), o, api, nil, &release{}, FixedRegistry(Registry{}))
	if err == nil || !strings.HasPrefix(err.Error(), "edge: ") || len(targets) != 0 {
		t.Fatalf("rollout = %v, %v; want an edge error before any service", targets, err)
	}
	if len(api.inspected) != 1 || api.inspected[0] != "traefik:v9" {
		t.Errorf("images inspected: %q, want the edge's", api.inspected)
	}
}
