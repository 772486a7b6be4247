package edge

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenCases are the route sets whose configs are kept in testdata; the
// real-engine test also checks each with `haproxy -c`.
var goldenCases = []struct {
	name   string
	routes []Route
}{
	{"empty", nil},
	{"one-tcp", []Route{{Host: "web-staging.example.com", Service: "shop-staging_web", Port: 8080}}},
	{"several", []Route{
		// Out of order and in mixed case: the output is sorted and lower-cased.
		{Host: "Web-Production.example.com", Service: "shop-production_web", Port: 3000, Health: "/healthz"},
		{Host: "api-production.example.com", Service: "shop-production_api", Port: 8000, Health: "/status?full=1&fmt=text"},
		{Host: "admin-production.example.com", Service: "shop-production_admin", Port: 80},
	}},
}

func TestConfigGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Config(tc.routes)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Config differs from %s (go test -update rewrites it):\n%s", path, got)
			}
		})
	}
}

func TestConfigIsDeterministic(t *testing.T) {
	routes := goldenCases[2].routes
	reversed := []Route{routes[2], routes[1], routes[0]}
	a, err := Config(routes)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Config(reversed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the order of the routes changes the config")
	}
	if routes[0].Host != "Web-Production.example.com" {
		t.Error("Config modified its argument")
	}
}

func TestConfigValidation(t *testing.T) {
	ok := Route{Host: "web-staging.example.com", Service: "shop-staging_web", Port: 8080, Health: "/health"}
	with := func(f func(*Route)) []Route { r := ok; f(&r); return []Route{r} }
	tests := []struct {
		name    string
		routes  []Route
		wantErr string // substring; "" means valid
	}{
		{"valid", with(func(r *Route) {}), ""},
		{"single label host", with(func(r *Route) { r.Host = "localhost" }), ""},
		{"port 1", with(func(r *Route) { r.Port = 1 }), ""},
		{"port 65535", with(func(r *Route) { r.Port = 65535 }), ""},
		{"health with query", with(func(r *Route) { r.Health = "/ready?db=1&cache=0" }), ""},
		{"empty host", with(func(r *Route) { r.Host = "" }), "not a DNS name"},
		{"host with space", with(func(r *Route) { r.Host = "web example.com" }), "not a DNS name"},
		{"host with port", with(func(r *Route) { r.Host = "web.example.com:80" }), "not a DNS name"},
		{"host newline injection", with(func(r *Route) { r.Host = "web.example.com\n\tbind :81" }), "not a DNS name"},
		{"host with quote", with(func(r *Route) { r.Host = `web".example.com` }), "not a DNS name"},
		{"host with comment", with(func(r *Route) { r.Host = "web.example.com#x" }), "not a DNS name"},
		{"host wildcard", with(func(r *Route) { r.Host = "*.example.com" }), "not a DNS name"},
		{"host trailing dot", with(func(r *Route) { r.Host = "web.example.com." }), "not a DNS name"},
		{"host label too long", with(func(r *Route) { r.Host = strings.Repeat("a", 64) + ".com" }), "not a DNS name"},
		{"host too long", with(func(r *Route) { r.Host = strings.Repeat("a.", 127) + "com" }), "not a DNS name"},
		{"port 0", with(func(r *Route) { r.Port = 0 }), "not in 1-65535"},
		{"port 70000", with(func(r *Route) { r.Port = 70000 }), "not in 1-65535"},
		{"port negative", with(func(r *Route) { r.Port = -1 }), "not in 1-65535"},
		{"empty service", with(func(r *Route) { r.Service = "" }), "not a swarm service name"},
		{"service newline injection", with(func(r *Route) { r.Service = "web:80\n\tserver evil 10.0.0.1" }), "not a swarm service name"},
		{"service with space", with(func(r *Route) { r.Service = "shop web" }), "not a swarm service name"},
		{"service with colon", with(func(r *Route) { r.Service = "web:81" }), "not a swarm service name"},
		{"health without slash", with(func(r *Route) { r.Health = "health" }), "health check path"},
		{"health with space", with(func(r *Route) { r.Health = "/health check" }), "health check path"},
		{"health newline injection", with(func(r *Route) { r.Health = "/h\n\thttp-request deny" }), "health check path"},
		{"health with quote", with(func(r *Route) { r.Health = `/h"x` }), "health check path"},
		{"health with comment", with(func(r *Route) { r.Health = "/h#x" }), "health check path"},
		{"health with dollar", with(func(r *Route) { r.Health = "/h${HOME}" }), "health check path"},
		{"duplicate host", []Route{ok, {Host: "WEB-staging.example.com", Service: "other", Port: 80}}, "routed to two services"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Config(tc.routes)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Config: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("Config accepted %+v:\n%s", tc.routes, cfg)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}
