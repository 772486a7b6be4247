package convert

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/swarm"
)

// defaultNetwork is the network compose gives services that name none.
const defaultNetwork = "default"

// networkName returns the swarm name of the network with compose key key.
func (c *converter) networkName(key string) string {
	if def, ok := c.p.Networks[key]; ok && bool(def.External) {
		return cmp.Or(def.Name, key)
	}
	return c.ns + "_" + key
}

// serviceNetworks returns the network attachments of s, sorted, each with
// the service name as an alias, and records the networks used.
func (c *converter) serviceNetworks(s types.ServiceConfig) ([]swarm.NetworkAttachmentConfig, error) {
	nets := s.Networks
	if len(nets) == 0 {
		nets = map[string]*types.ServiceNetworkConfig{defaultNetwork: nil}
	}
	var out []swarm.NetworkAttachmentConfig
	for _, key := range slices.Sorted(maps.Keys(nets)) {
		att := swarm.NetworkAttachmentConfig{Target: c.networkName(key)}
		if n := nets[key]; n != nil {
			if n.Ipv4Address != "" || n.Ipv6Address != "" {
				return nil, fmt.Errorf("networks.%s: swarm assigns addresses itself; remove ipv4_address/ipv6_address", key)
			}
			att.Aliases = slices.Clone(n.Aliases)
			att.DriverOpts = n.DriverOpts
		}
		if !slices.Contains(att.Aliases, s.Name) {
			att.Aliases = append(att.Aliases, s.Name)
		}
		c.networks[key] = true
		out = append(out, att)
	}
	return out, nil
}

// networkList returns the networks the services use, sorted by name.
func (c *converter) networkList() ([]Network, error) {
	var out []Network
	for _, key := range slices.Sorted(maps.Keys(c.networks)) {
		def := c.p.Networks[key] // the zero value for an implicit default
		name := c.networkName(key)
		if def.External {
			out = append(out, Network{Name: name, Spec: network.CreateRequest{Name: name}, External: true})
			continue
		}
		if def.Driver != "" && def.Driver != "overlay" {
			return nil, fmt.Errorf("network %q: driver %q: swarm services need overlay networks", key, def.Driver)
		}
		ipam, err := convertIPAM(def.Ipam)
		if err != nil {
			return nil, fmt.Errorf("network %q: %w", key, err)
		}
		out = append(out, Network{Name: name, Spec: network.CreateRequest{
			Name:   name,
			Driver: "overlay",
			Scope:  "swarm",
			// Attachable, so that gazr's edge and debugging containers can
			// join the stack's networks.
			Attachable: true,
			Internal:   def.Internal,
			EnableIPv4: def.EnableIPv4,
			EnableIPv6: def.EnableIPv6,
			IPAM:       ipam,
			Options:    def.DriverOpts,
			Labels:     c.objectLabels(def.Labels),
		}})
	}
	slices.SortFunc(out, func(a, b Network) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// convertIPAM converts a compose ipam block; nil when it is empty.
func convertIPAM(in types.IPAMConfig) (*network.IPAM, error) {
	if in.Driver == "" && len(in.Config) == 0 && len(in.Options) == 0 {
		return nil, nil
	}
	out := &network.IPAM{Driver: in.Driver, Options: in.Options}
	for _, pool := range in.Config {
		var cfg network.IPAMConfig
		var err error
		if cfg.Subnet, err = parsePrefix(pool.Subnet); err != nil {
			return nil, fmt.Errorf("ipam subnet: %w", err)
		}
		if cfg.IPRange, err = parsePrefix(pool.IPRange); err != nil {
			return nil, fmt.Errorf("ipam ip_range: %w", err)
		}
		if pool.Gateway != "" {
			if cfg.Gateway, err = netip.ParseAddr(pool.Gateway); err != nil {
				return nil, fmt.Errorf("ipam gateway: %w", err)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(pool.AuxiliaryAddresses)) {
			a, err := netip.ParseAddr(pool.AuxiliaryAddresses[k])
			if err != nil {
				return nil, fmt.Errorf("ipam aux_addresses %s: %w", k, err)
			}
			if cfg.AuxAddress == nil {
				cfg.AuxAddress = map[string]netip.Addr{}
			}
			cfg.AuxAddress[k] = a
		}
		out.Config = append(out.Config, cfg)
	}
	return out, nil
}

// parsePrefix parses a CIDR prefix; "" gives the zero prefix.
func parsePrefix(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, nil
	}
	return netip.ParsePrefix(s)
}
