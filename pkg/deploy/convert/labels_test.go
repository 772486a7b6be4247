package convert_test

import (
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

func TestLabels(t *testing.T) {
	const in = "services:\n  web:\n    image: a\n    ports: [\"80\"]\n    labels:\n      io.gazr.version: mine\n    deploy:\n      labels:\n        io.gazr.env: mine\n"
	st := mustConvert(t, in, opts(func(o *convert.Options) { o.Env, o.Now, o.DeployedBy, o.Domain = "", time.Time{}, "", "example.com" }))
	s := st.Services[0]
	want := map[string]string{
		convert.LabelNamespace: "shop", convert.LabelProject: "shop", convert.LabelVersion: "3f2a1c9",
		"traefik.enable": "true", "traefik.http.routers.shop-web.rule": "Host(`web.example.com`)",
		"traefik.http.services.shop-web.loadbalancer.server.port": "80",
		convert.LabelRouteHost: "web.example.com", convert.LabelRoutePort: "80",
	}
	if st.Namespace != "shop" || s.Name != "shop_web" {
		t.Errorf("namespace %q, service %q; want shop, shop_web", st.Namespace, s.Name)
	}
	if !equalMaps(s.Labels, want) {
		t.Errorf("service labels = %v, want %v", s.Labels, want)
	}
	cl := s.TaskTemplate.ContainerSpec.Labels
	if cl[convert.LabelVersion] != "" || cl[convert.LabelNamespace] != "shop" {
		t.Errorf("container labels = %v: the identity labels must win, without the version (it would restart every service on every deploy)", cl)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestRouting(t *testing.T) {
	tests := []struct {
		name    string
		service string
		domain  string
		host    string // "" when not routed
		port    string
	}{
		{"no domain", `ports: ["8080:80"]`, "", "", ""},
		{"first TCP port", `ports: ["53:53/udp", "8080:80", "8443:443"]`, "example.com", "web-staging.example.com", "80"},
		{"ports before expose", "expose: [\"3000\"]\n    ports: [\"9000\"]", "example.com", "web-staging.example.com", "9000"},
		{"expose range", `expose: ["8000-8010/tcp"]`, "example.com", "web-staging.example.com", "8000"},
		{"UDP only", `expose: ["53/udp"]`, "example.com", "", ""},
		{"no port", "", "example.com", "", ""},
		{"port given by label", "deploy:\n      labels:\n        io.gazr.route.port: \"8080\"", "example.com", "web-staging.example.com", "8080"},
		{"opted out", "expose: [\"80\"]\n    deploy:\n      labels:\n        traefik.enable: \"false\"", "example.com", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustConvert(t, "services:\n  web:\n    image: a\n    "+tt.service+"\n", opts(func(o *convert.Options) { o.Domain = tt.domain }))
			l := st.Services[0].Labels
			if l[convert.LabelRouteHost] != tt.host || l[convert.LabelRoutePort] != tt.port {
				t.Fatalf("route = %q:%q, want %q:%q", l[convert.LabelRouteHost], l[convert.LabelRoutePort], tt.host, tt.port)
			}
			rule, port := l["traefik.http.routers.shop-web-staging.rule"], l["traefik.http.services.shop-web-staging.loadbalancer.server.port"]
			if tt.host == "" {
				if rule != "" || port != "" || l["traefik.enable"] == "true" {
					t.Errorf("unrouted service has Traefik labels: %v", l)
				}
				return
			}
			if rule != "Host(`"+tt.host+"`)" || port != tt.port || l["traefik.enable"] != "true" {
				t.Errorf("Traefik labels = %v", l)
			}
		})
	}
}
