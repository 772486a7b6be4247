package edge

import (
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/swarm"
)

func service(name string, labels map[string]string) swarm.Service {
	return swarm.Service{ID: "id-" + name, Spec: swarm.ServiceSpec{Annotations: swarm.Annotations{Name: name, Labels: labels}}}
}

func TestRoutesFromServices(t *testing.T) {
	tests := []struct {
		name string
		in   []swarm.Service
		want []Route
	}{
		{"none", nil, nil},
		{"unrouted services are left out", []swarm.Service{
			service("shop-staging_worker", nil),
			service("shop-staging_db", map[string]string{"com.docker.stack.namespace": "shop-staging"}),
			service("shop-staging_cron", map[string]string{LabelRoutePort: "8080"}), // a port alone routes nothing
		}, nil},
		{"sorted by host, health optional", []swarm.Service{
			service("shop-staging_web", map[string]string{LabelRouteHost: "web-staging.example.com", LabelRoutePort: "8080", LabelRouteHealth: "/healthz"}),
			service("shop-staging_api", map[string]string{LabelRouteHost: "api-staging.example.com", LabelRoutePort: "3000"}),
			service("shop-staging_worker", nil),
		}, []Route{
			{Host: "api-staging.example.com", Service: "shop-staging_api", Port: 3000},
			{Host: "web-staging.example.com", Service: "shop-staging_web", Port: 8080, Health: "/healthz"},
		}},
		{"bad or missing port is kept as 0 for Config to report", []swarm.Service{
			service("a_web", map[string]string{LabelRouteHost: "a.example.com", LabelRoutePort: "http"}),
			service("b_web", map[string]string{LabelRouteHost: "b.example.com"}),
		}, []Route{
			{Host: "a.example.com", Service: "a_web", Port: 0},
			{Host: "b.example.com", Service: "b_web", Port: 0},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := RoutesFromServices(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRoutesFromServicesBadPortFailsConfig(t *testing.T) {
	routes := RoutesFromServices([]swarm.Service{
		service("a_web", map[string]string{LabelRouteHost: "a.example.com", LabelRoutePort: "http"}),
	})
	if _, err := Config(routes); err == nil {
		t.Fatal("Config accepted a route whose port label is not a number")
	}
}

func TestNetworksFromServices(t *testing.T) {
	withNets := func(s swarm.Service, nets ...string) swarm.Service {
		for _, n := range nets {
			s.Spec.TaskTemplate.Networks = append(s.Spec.TaskTemplate.Networks, swarm.NetworkAttachmentConfig{Target: n})
		}
		return s
	}
	routed := map[string]string{LabelRouteHost: "web.example.com", LabelRoutePort: "80"}
	got := NetworksFromServices([]swarm.Service{
		withNets(service("shop-staging_web", routed), "net-shop", "net-shared"),
		withNets(service("blog-staging_web", routed), "net-blog", "net-shared"),
		withNets(service("shop-staging_db", nil), "net-db"), // not routed: the edge stays off its networks
	})
	if want := []string{"net-blog", "net-shared", "net-shop"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
