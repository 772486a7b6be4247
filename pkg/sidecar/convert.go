package sidecar

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// DefaultHealthInterval is the interval of a compose healthcheck that sets
// none (the engine's own default is 30s, so a cold start would wait half a
// minute for the first probe).
const DefaultHealthInterval = time.Second

// Target is where and from what a service's container is created: the
// parts of its definition that are not in the compose file.
type Target struct {
	// Project is gazr's project name.
	Project string
	// Network is the network the container joins, its alias the service name.
	Network string
	// Image is the image reference to run and ImageID its ID: a new image
	// under the same name makes a new definition.
	Image, ImageID string
	// ImageVolumes are the image's VOLUME paths: each gets a named volume
	// (see Convert) unless the service mounts something there.
	ImageVolumes []string
}

// Spec is a service converted for the engine: the container to create and
// the volumes it needs.
type Spec struct {
	Service string
	// Create creates the container (its name is ContainerName).
	Create client.ContainerCreateOptions
	// Volumes are the named volumes the container mounts.
	Volumes []Volume
	// Hash identifies the definition (LabelConfigHash).
	Hash string
}

// Volume is a named volume a service mounts.
type Volume struct {
	Name       string
	Driver     string
	DriverOpts map[string]string
	Labels     map[string]string
	// External volumes must exist; gazr never creates or removes them.
	External bool
}

// Convert turns service name of p into a Spec. It is pure: the engine is
// not asked anything (Target carries what comes from it).
//
// Named volumes are the project's (compose names them <project>_<name>),
// labelled as gazr's. Anonymous volumes, and the image's VOLUME paths, also
// become named volumes, <project>_<service>_<path>, so that a database's
// data outlives a recreated container and `gazr destroy` finds it. Bind
// mounts are relative to the project directory.
func Convert(p *types.Project, name string, t Target) (*Spec, error) {
	svc, ok := p.Services[name]
	if !ok {
		return nil, fmt.Errorf("no service %q in the compose project", name)
	}
	if err := unsupported(svc); err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	cfg, err := containerConfig(svc, t)
	if err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	hc, err := hostConfig(svc, t)
	if err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	mounts, err := convertMounts(p, svc, t)
	if err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	hc.Binds, hc.Mounts = mounts.binds, mounts.mounts
	for path, opts := range mounts.tmpfs {
		if hc.Tmpfs == nil {
			hc.Tmpfs = map[string]string{}
		}
		hc.Tmpfs[path] = opts
	}
	s := &Spec{
		Service: name,
		Create: client.ContainerCreateOptions{
			Name:       ContainerName(t.Project, name),
			Config:     cfg,
			HostConfig: hc,
			NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
				t.Network: {Aliases: aliases(svc, t.Network)},
			}},
		},
		Volumes: mounts.volumes,
	}
	s.Hash = hash(s, t.ImageID)
	cfg.Labels[LabelConfigHash] = s.Hash
	return s, nil
}

// containerConfig is the portable part of the container's configuration.
func containerConfig(svc types.ServiceConfig, t Target) (*container.Config, error) {
	exposed, _, err := ports(svc)
	if err != nil {
		return nil, err
	}
	health, err := healthcheck(svc.HealthCheck)
	if err != nil {
		return nil, err
	}
	cfg := &container.Config{
		Image:        t.Image,
		Cmd:          svc.Command,
		Entrypoint:   svc.Entrypoint,
		Env:          environment(svc.Environment),
		WorkingDir:   svc.WorkingDir,
		User:         svc.User,
		Hostname:     svc.Hostname,
		Tty:          svc.Tty,
		OpenStdin:    svc.StdinOpen,
		ExposedPorts: exposed,
		Healthcheck:  health,
		StopSignal:   svc.StopSignal,
		Labels:       labels(svc, t.Project),
	}
	if svc.StopGracePeriod != nil {
		secs := int(time.Duration(*svc.StopGracePeriod).Round(time.Second) / time.Second)
		cfg.StopTimeout = &secs
	}
	return cfg, nil
}

// labels are the compose labels of the service and gazr's own, which win.
func labels(svc types.ServiceConfig, project string) map[string]string {
	l := maps.Clone(map[string]string(svc.Labels))
	if l == nil {
		l = map[string]string{}
	}
	maps.Copy(l, objectLabels(project))
	l[LabelService] = svc.Name
	return l
}

// aliases are the names the container answers to on the network: the
// service's, and those its compose networks give it.
func aliases(svc types.ServiceConfig, netName string) []string {
	out := []string{svc.Name}
	for _, name := range slices.Sorted(maps.Keys(svc.Networks)) {
		if n := svc.Networks[name]; n != nil {
			for _, a := range n.Aliases {
				if !slices.Contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	return out
}

// environment renders compose's environment as sorted KEY=VALUE entries (a
// variable without a value stays a bare KEY). env_file entries are already
// in it: compose-go resolves them when loading.
func environment(env types.MappingWithEquals) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if v := env[k]; v != nil {
			out = append(out, k+"="+*v)
		} else {
			out = append(out, k)
		}
	}
	return out
}

// healthcheck converts compose's healthcheck; `disable: true` gives the
// test NONE, which turns off the image's own check. Without a compose
// healthcheck the image's HEALTHCHECK applies (nil here).
func healthcheck(h *types.HealthCheckConfig) (*container.HealthConfig, error) {
	if h == nil {
		return nil, nil
	}
	if h.Disable {
		if len(h.Test) > 0 && h.Test[0] != "NONE" {
			return nil, fmt.Errorf("healthcheck: disable and test are both set")
		}
		return &container.HealthConfig{Test: []string{"NONE"}}, nil
	}
	out := &container.HealthConfig{
		Test:        h.Test,
		Interval:    DefaultHealthInterval,
		Timeout:     duration(h.Timeout),
		StartPeriod: duration(h.StartPeriod),
	}
	if h.Interval != nil {
		out.Interval = duration(h.Interval)
	} else if h.StartInterval != nil {
		out.Interval = duration(h.StartInterval)
	}
	if h.Retries != nil {
		out.Retries = int(*h.Retries)
	}
	return out, nil
}

func duration(d *types.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(*d)
}

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
