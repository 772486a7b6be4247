// Package edge is gazr's own HTTP edge: an HAProxy running as a swarm
// service that routes <service>-<env>.<domain> to each routed service's
// tasks.
//
// It finds the tasks through Docker's embedded DNS (tasks.<service>, which
// answers with every task's address when the service uses dnsrr), so it
// needs neither IPVS nor the routing mesh: it works on every engine that
// has overlay networks. Its contract is zero failed requests while a
// service rolls, rolls back or loses a task; see Config for how.
package edge

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/swarm"
)

// Labels the deploy converter puts on a routed service's spec.
const (
	LabelRouteHost   = "io.gazr.route.host"   // the Host the edge routes, e.g. web-staging.example.com
	LabelRoutePort   = "io.gazr.route.port"   // the container port, decimal
	LabelRouteHealth = "io.gazr.route.health" // optional HTTP path for active checks, e.g. /healthz
)

// Route is one service reachable through the edge.
type Route struct {
	Host    string // "web-staging.example.com"; matched case-insensitively, port ignored
	Service string // swarm service name, resolved as tasks.<Service>
	Port    int    // container port
	Health  string // HTTP path for active checks, "" for TCP checks
}

// RoutesFromServices returns the routes of the services that carry
// LabelRouteHost, sorted by host. A port label that is not a number gives
// Port 0, so that Config reports the service rather than the route
// silently disappearing.
func RoutesFromServices(services []swarm.Service) []Route {
	var routes []Route
	for _, s := range services {
		l := s.Spec.Labels
		host := l[LabelRouteHost]
		if host == "" {
			continue
		}
		port, err := strconv.Atoi(l[LabelRoutePort])
		if err != nil {
			port = 0
		}
		routes = append(routes, Route{Host: host, Service: s.Spec.Name, Port: port, Health: l[LabelRouteHealth]})
	}
	sortRoutes(routes)
	return routes
}

// NetworksFromServices returns the networks the edge must join to reach
// the routed services (those carrying LabelRouteHost): every network of
// theirs, sorted, once each. Listed services name them by ID, which Spec
// accepts as well as names.
func NetworksFromServices(services []swarm.Service) []string {
	var nets []string
	for _, s := range services {
		if s.Spec.Labels[LabelRouteHost] == "" {
			continue
		}
		for _, n := range s.Spec.TaskTemplate.Networks {
			nets = append(nets, n.Target)
		}
	}
	slices.Sort(nets)
	return slices.Compact(nets)
}

func sortRoutes(routes []Route) {
	slices.SortFunc(routes, func(a, b Route) int {
		if c := strings.Compare(a.Host, b.Host); c != 0 {
			return c
		}
		return strings.Compare(a.Service, b.Service)
	})
}

// Every value below ends up unquoted in haproxy.cfg, so each pattern admits
// no blank, quote, backslash, '#', '$' or control character: nothing that
// could end a word, start a comment or expand a variable.
var (
	// A DNS name: letters, digits and inner hyphens per label.
	hostRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)
	// Swarm's own rule for service names (and the 63-byte DNS label limit).
	serviceRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$`)
	// An origin-form path with an optional query.
	healthRE = regexp.MustCompile(`^/[A-Za-z0-9/._~%!*+,;=:@&?-]*$`)
)

// normalize validates r and returns it with its host in lower case.
func (r Route) normalize() (Route, error) {
	r.Host = strings.ToLower(r.Host)
	switch {
	case len(r.Host) > 253 || !hostRE.MatchString(r.Host):
		return r, fmt.Errorf("route for service %q: host %q is not a DNS name (letters, digits, '-' and '.')", r.Service, r.Host)
	case !serviceRE.MatchString(r.Service):
		return r, fmt.Errorf("route %s: service name %q is not a swarm service name", r.Host, r.Service)
	case r.Port < 1 || r.Port > 65535:
		return r, fmt.Errorf("route %s: port %d of service %s is not in 1-65535 (label %s)", r.Host, r.Port, r.Service, LabelRoutePort)
	case r.Health != "" && (len(r.Health) > 1024 || !healthRE.MatchString(r.Health)):
		return r, fmt.Errorf("route %s: health check path %q must start with '/' and hold only URL characters (no blanks, quotes or '#')", r.Host, r.Health)
	}
	return r, nil
}
