package sidecar

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/compose"
)

// Defaults of a compose healthcheck that sets no interval. The engine's
// own interval is 30s, so a cold start would wait half a minute for the
// first probe: gazr probes every second instead, and gives the service
// a start period of a minute, during which failures do not count (a
// success ends it), unless the healthcheck sets start_period.
const (
	DefaultHealthInterval    = time.Second
	DefaultHealthStartPeriod = time.Minute
)

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
	if err := unsupported(p, svc); err != nil {
		return nil, err
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
		Env:          compose.Environment(svc.Environment),
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

// healthcheck converts compose's healthcheck, with development defaults:
// without an interval, probe often (every DefaultHealthInterval, or
// start_interval) but keep about the patience of the engine's default (3
// failures 30s apart) before a slow start counts as a failure: failures in
// the start period do not count. start_interval itself needs API 1.44, so
// it becomes the interval.
func healthcheck(h *types.HealthCheckConfig) (*container.HealthConfig, error) {
	out, err := compose.HealthConfig(h)
	if err != nil || out == nil || h.Disable {
		return out, err
	}
	out.StartInterval = 0
	if h.Interval == nil {
		out.Interval = DefaultHealthInterval
		if h.StartInterval != nil {
			out.Interval = compose.Duration(h.StartInterval)
		}
		if h.StartPeriod == nil {
			out.StartPeriod = DefaultHealthStartPeriod
		}
	}
	return out, nil
}
