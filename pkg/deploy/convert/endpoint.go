package convert

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/swarm"
)

// endpointSpec returns the endpoint of s: DNS round-robin, ports published
// in host mode, sorted (see the package doc for why).
func endpointSpec(s types.ServiceConfig) (*swarm.EndpointSpec, error) {
	if s.Deploy != nil && s.Deploy.EndpointMode != "" && s.Deploy.EndpointMode != string(swarm.ResolutionModeDNSRR) {
		return nil, fmt.Errorf("deploy.endpoint_mode %q: only dnsrr works here (no IPVS for virtual IPs)", s.Deploy.EndpointMode)
	}
	var ports []swarm.PortConfig
	for i, p := range s.Ports {
		if p.HostIP != "" {
			return nil, fmt.Errorf("ports[%d]: host_ip %q: swarm publishes on every address of the node", i, p.HostIP)
		}
		var published uint64
		if p.Published != "" {
			var err error
			published, err = strconv.ParseUint(p.Published, 10, 16)
			if err != nil {
				return nil, fmt.Errorf("ports[%d]: published %q: swarm publishes single ports, not ranges", i, p.Published)
			}
		}
		ports = append(ports, swarm.PortConfig{
			Name:          p.Name,
			Protocol:      network.IPProtocol(protocol(p.Protocol)),
			TargetPort:    p.Target,
			PublishedPort: uint32(published),
			PublishMode:   swarm.PortConfigPublishModeHost,
		})
	}
	slices.SortFunc(ports, swarm.PortConfig.Compare)
	return &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR, Ports: ports}, nil
}

// protocol returns a port's protocol, tcp by default.
func protocol(p string) string {
	if p == "" {
		return "tcp"
	}
	return strings.ToLower(p)
}

// publishesFixedPort tells whether s holds a fixed host port on its node.
func publishesFixedPort(s types.ServiceConfig) bool {
	for _, p := range s.Ports {
		if p.Published != "" && p.Published != "0" {
			return true
		}
	}
	return false
}

// routeLabels returns the routing labels of s, or nil when routing is off
// (no domain, no TCP port, or `traefik.enable: "false"` in deploy.labels).
// A host or port the service sets in its io.gazr.route.* labels is the one
// routed, by Traefik too.
func (c *converter) routeLabels(s types.ServiceConfig) (map[string]string, error) {
	own := deployOf(s).Labels
	if c.o.Domain == "" || own["traefik.enable"] == "false" {
		return nil, nil
	}
	port, err := routePort(s)
	if err != nil {
		return nil, err
	}
	p := own[LabelRoutePort]
	if p == "" && port != 0 {
		p = strconv.FormatUint(uint64(port), 10)
	}
	if p == "" {
		return nil, nil
	}
	name := s.Name
	if c.o.Env != "" {
		name += "-" + c.o.Env
	}
	host := cmp.Or(own[LabelRouteHost], name+"."+c.o.Domain)
	// Traefik's router and service names are cluster-wide: prefix the
	// project so that two projects' "web-staging" do not collide.
	router := c.o.Project + "-" + name
	return map[string]string{
		"traefik.enable": "true",
		"traefik.http.routers." + router + ".rule":                      "Host(`" + host + "`)",
		"traefik.http.services." + router + ".loadbalancer.server.port": p,
		LabelRouteHost: host,
		LabelRoutePort: p,
	}, nil
}

// routePort returns the first TCP target port of s: from ports, else from
// expose; 0 when it has none.
func routePort(s types.ServiceConfig) (uint32, error) {
	for _, p := range s.Ports {
		if protocol(p.Protocol) == "tcp" {
			return p.Target, nil
		}
	}
	for i, e := range s.Expose {
		port, proto, _ := strings.Cut(e, "/")
		if protocol(proto) != "tcp" {
			continue
		}
		port, _, _ = strings.Cut(port, "-")
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return 0, fmt.Errorf("expose[%d]: %q is not a port", i, e)
		}
		return uint32(n), nil
	}
	return 0, nil
}
