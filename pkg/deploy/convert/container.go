package convert

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/moby/moby/api/types/swarm"
)

// containerSpec returns the container part of the task template of s,
// running image.
func (c *converter) containerSpec(s types.ServiceConfig, image string) (*swarm.ContainerSpec, error) {
	mounts, err := c.mounts(s)
	if err != nil {
		return nil, err
	}
	health, err := compose.HealthConfig(s.HealthCheck)
	if err != nil {
		return nil, err
	}
	dns, err := dnsConfig(s)
	if err != nil {
		return nil, err
	}
	privileges, err := privilegesOf(s)
	if err != nil {
		return nil, err
	}
	grace := DefaultStopGracePeriod
	if s.StopGracePeriod != nil {
		grace = time.Duration(*s.StopGracePeriod)
	}
	return &swarm.ContainerSpec{
		Image:           image,
		Labels:          c.containerLabels(s.Labels),
		Command:         s.Entrypoint, // swarm's Command replaces the image's ENTRYPOINT,
		Args:            s.Command,    // and Args its CMD
		Hostname:        s.Hostname,
		Env:             compose.Environment(s.Environment),
		Dir:             s.WorkingDir,
		User:            s.User,
		Groups:          s.GroupAdd,
		Privileges:      privileges,
		Init:            s.Init,
		StopSignal:      s.StopSignal,
		TTY:             s.Tty,
		OpenStdin:       s.StdinOpen,
		ReadOnly:        s.ReadOnly,
		Mounts:          mounts,
		StopGracePeriod: &grace,
		Healthcheck:     health,
		Hosts:           hosts(s.ExtraHosts),
		DNSConfig:       dns,
		Secrets:         c.secretRefs(s),
		Configs:         c.configRefs(s),
		Isolation:       container.Isolation(s.Isolation),
		Sysctls:         s.Sysctls,
		CapabilityAdd:   s.CapAdd,
		CapabilityDrop:  s.CapDrop,
		Ulimits:         ulimits(s.Ulimits),
		OomScoreAdj:     s.OomScoreAdj,
	}, nil
}

// hosts converts extra_hosts to swarm's "IP host" entries, sorted by host.
func hosts(h types.HostsList) []string {
	var out []string
	for _, host := range slices.Sorted(maps.Keys(h)) {
		for _, ip := range h[host] {
			out = append(out, ip+" "+host)
		}
	}
	return out
}

// dnsConfig converts dns, dns_search and dns_opt; nil when all are empty.
func dnsConfig(s types.ServiceConfig) (*swarm.DNSConfig, error) {
	if len(s.DNS) == 0 && len(s.DNSSearch) == 0 && len(s.DNSOpts) == 0 {
		return nil, nil
	}
	out := &swarm.DNSConfig{Search: s.DNSSearch, Options: s.DNSOpts}
	for _, ns := range s.DNS {
		a, err := netip.ParseAddr(ns)
		if err != nil {
			return nil, fmt.Errorf("dns: %q is not an IP address", ns)
		}
		out.Nameservers = append(out.Nameservers, a)
	}
	return out, nil
}

// ulimits converts ulimits, sorted by name.
func ulimits(in map[string]*types.UlimitsConfig) []*container.Ulimit {
	var out []*container.Ulimit
	for _, name := range slices.Sorted(maps.Keys(in)) {
		u := in[name]
		soft, hard := int64(u.Soft), int64(u.Hard)
		if u.Single != 0 {
			soft, hard = int64(u.Single), int64(u.Single)
		}
		out = append(out, &container.Ulimit{Name: name, Soft: soft, Hard: hard})
	}
	return out
}

// privilegesOf converts security_opt, of which swarm services support
// no-new-privileges only; nil when it is empty.
func privilegesOf(s types.ServiceConfig) (*swarm.Privileges, error) {
	if len(s.SecurityOpt) == 0 {
		return nil, nil
	}
	for _, opt := range s.SecurityOpt {
		switch opt {
		case "no-new-privileges", "no-new-privileges:true", "no-new-privileges=true":
		default:
			return nil, fmt.Errorf("security_opt %q: swarm services support no-new-privileges only", opt)
		}
	}
	return &swarm.Privileges{NoNewPrivileges: true}, nil
}

// logDriver converts logging; nil when it is not set.
func logDriver(s types.ServiceConfig) *swarm.Driver {
	if s.Logging == nil || s.Logging.Driver == "" && len(s.Logging.Options) == 0 {
		return nil
	}
	return &swarm.Driver{Name: s.Logging.Driver, Options: s.Logging.Options}
}
