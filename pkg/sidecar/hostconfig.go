package sidecar

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
)

// hostConfig is the host-dependent part of the configuration, less mounts.
func hostConfig(svc types.ServiceConfig, t Target) (*container.HostConfig, error) {
	_, bindings, err := ports(svc)
	if err != nil {
		return nil, err
	}
	restart, err := restartPolicy(svc.Restart)
	if err != nil {
		return nil, err
	}
	dns := make([]netip.Addr, 0, len(svc.DNS))
	for _, s := range svc.DNS {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("dns: %q is not an IP address", s)
		}
		dns = append(dns, a)
	}
	hc := &container.HostConfig{
		NetworkMode:    container.NetworkMode(t.Network),
		PortBindings:   bindings,
		RestartPolicy:  restart,
		Init:           svc.Init,
		CapAdd:         svc.CapAdd,
		CapDrop:        svc.CapDrop,
		Privileged:     svc.Privileged,
		ReadonlyRootfs: svc.ReadOnly,
		SecurityOpt:    svc.SecurityOpt,
		GroupAdd:       svc.GroupAdd,
		ExtraHosts:     svc.ExtraHosts.AsList(":"),
		DNSSearch:      svc.DNSSearch,
		DNSOptions:     svc.DNSOpts,
		Sysctls:        svc.Sysctls,
		ShmSize:        int64(svc.ShmSize),
		OomScoreAdj:    int(svc.OomScoreAdj),
		Tmpfs:          tmpfsList(svc.Tmpfs),
	}
	if len(dns) > 0 {
		hc.DNS = dns
	}
	hc.Resources = resources(svc)
	return hc, nil
}

func restartPolicy(s string) (container.RestartPolicy, error) {
	switch s {
	case "", "no":
		return container.RestartPolicy{}, nil
	case "always", "unless-stopped", "on-failure":
		return container.RestartPolicy{Name: container.RestartPolicyMode(s)}, nil
	}
	p, err := parseOnFailure(s)
	if err != nil {
		return container.RestartPolicy{}, fmt.Errorf("restart: %q is none of no, always, unless-stopped, on-failure[:max-retries]", s)
	}
	return p, nil
}

func parseOnFailure(s string) (container.RestartPolicy, error) {
	var n int
	if _, err := fmt.Sscanf(s, "on-failure:%d", &n); err != nil || n < 0 {
		return container.RestartPolicy{}, fmt.Errorf("bad restart policy")
	}
	return container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: n}, nil
}

// resources are the service's limits: mem_limit, cpus, pids_limit and
// ulimits, or deploy.resources.limits where those are unset.
func resources(svc types.ServiceConfig) container.Resources {
	r := container.Resources{Memory: int64(svc.MemLimit), NanoCPUs: int64(svc.CPUS * 1e9)}
	if svc.PidsLimit != 0 {
		r.PidsLimit = &svc.PidsLimit
	}
	if d := svc.Deploy; d != nil && d.Resources.Limits != nil {
		if r.Memory == 0 {
			r.Memory = int64(d.Resources.Limits.MemoryBytes)
		}
		if r.NanoCPUs == 0 {
			r.NanoCPUs = int64(float64(d.Resources.Limits.NanoCPUs) * 1e9)
		}
		if r.PidsLimit == nil && d.Resources.Limits.Pids != 0 {
			r.PidsLimit = &d.Resources.Limits.Pids
		}
	}
	for _, name := range slices.Sorted(maps.Keys(svc.Ulimits)) {
		u := svc.Ulimits[name]
		soft, hard := int64(u.Soft), int64(u.Hard)
		if u.Single != 0 {
			soft, hard = int64(u.Single), int64(u.Single)
		}
		r.Ulimits = append(r.Ulimits, &container.Ulimit{Name: name, Soft: soft, Hard: hard})
	}
	return r
}
