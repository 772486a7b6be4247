package sidecar

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/network"
)

// ports returns the ports a service exposes (ports and expose) and the
// host ports it publishes, as docker compose publishes them: ports with no
// published port get a random one, a host IP binds only that address.
func ports(svc types.ServiceConfig) (network.PortSet, network.PortMap, error) {
	exposed := network.PortSet{}
	var bindings network.PortMap
	for _, p := range svc.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		port, ok := network.PortFrom(uint16(p.Target), network.IPProtocol(proto))
		if !ok || p.Target == 0 || p.Target > 65535 {
			return nil, nil, fmt.Errorf("ports: bad target port %d/%s", p.Target, proto)
		}
		exposed[port] = struct{}{}
		b := network.PortBinding{HostPort: p.Published}
		if p.HostIP != "" {
			ip, err := netip.ParseAddr(p.HostIP)
			if err != nil {
				return nil, nil, fmt.Errorf("ports: host IP %q is not an IP address", p.HostIP)
			}
			b.HostIP = ip
		}
		if bindings == nil {
			bindings = network.PortMap{}
		}
		bindings[port] = append(bindings[port], b)
	}
	for _, e := range svc.Expose {
		spec := e
		if !strings.Contains(spec, "/") {
			spec += "/tcp"
		}
		r, err := network.ParsePortRange(spec)
		if err != nil {
			return nil, nil, fmt.Errorf("expose: %q: %w", e, err)
		}
		for port := range r.All() {
			exposed[port] = struct{}{}
		}
	}
	if len(exposed) == 0 {
		exposed = nil
	}
	return exposed, bindings, nil
}
