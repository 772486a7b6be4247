package sidecar

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/registryauth"
)

// ensureNetwork returns the project's network, creating it when missing;
// created says whether this call created it.
func (m *Manager) ensureNetwork(ctx context.Context) (name string, created bool, err error) {
	name = NetworkName(m.Project)
	res, err := m.API.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
	if err == nil {
		if res.Network.Labels[container.LabelProject] != m.Project {
			return "", false, fmt.Errorf("network %s exists and is not gazr's (no label %s=%s): remove or rename it", name, container.LabelProject, m.Project)
		}
		return name, false, nil
	}
	if !cerrdefs.IsNotFound(err) {
		return "", false, fmt.Errorf("network %s: %w", name, err)
	}
	labels := objectLabels(m.Project)
	labels[LabelNetwork] = "sidecar"
	cctx, cancel := createContext(ctx)
	defer cancel()
	_, err = m.API.NetworkCreate(cctx, name, client.NetworkCreateOptions{Driver: "bridge", Labels: labels})
	switch {
	case err == nil && ctx.Err() != nil:
		_ = m.removeNetworkIfUnused(cctx)
		return "", false, ctx.Err()
	case err == nil:
		return name, true, nil
	case cerrdefs.IsConflict(err) || strings.Contains(err.Error(), "already exists"):
		return name, false, nil // another gazr of the same project won the race
	default:
		return "", false, fmt.Errorf("create network %s: %w", name, err)
	}
}

// removeNetworkIfUnused removes the project's network unless a service
// container of the project, running or not, still refers to it.
func (m *Manager) removeNetworkIfUnused(ctx context.Context) error {
	cs, err := m.serviceContainers(ctx, "")
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		return nil
	}
	_, err = m.API.NetworkRemove(ctx, NetworkName(m.Project), client.NetworkRemoveOptions{})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove network %s: %w", NetworkName(m.Project), err)
	}
	return nil
}

// ensureVolumes creates the spec's missing named volumes and returns
// those it created. An external one must exist.
func (m *Manager) ensureVolumes(ctx context.Context, s *Spec) (created []string, err error) {
	for _, v := range s.Volumes {
		_, err := m.API.VolumeInspect(ctx, v.Name, client.VolumeInspectOptions{})
		if err == nil {
			continue
		}
		if !cerrdefs.IsNotFound(err) {
			return created, fmt.Errorf("service %s: volume %s: %w", s.Service, v.Name, err)
		}
		if v.External {
			return created, fmt.Errorf("service %s: external volume %q does not exist: create it (docker volume create %s) or drop external: true", s.Service, v.Name, v.Name)
		}
		if err := m.createVolume(ctx, v); err != nil {
			return created, fmt.Errorf("service %s: create volume %s: %w", s.Service, v.Name, err)
		}
		created = append(created, v.Name)
		if ctx.Err() != nil {
			return created, ctx.Err()
		}
	}
	return created, nil
}

// createVolume creates a volume, even when ctx is cancelled meanwhile
// (see createContext).
func (m *Manager) createVolume(ctx context.Context, v Volume) error {
	cctx, cancel := createContext(ctx)
	defer cancel()
	_, err := m.API.VolumeCreate(cctx, client.VolumeCreateOptions{Name: v.Name, Driver: v.Driver, DriverOpts: v.DriverOpts, Labels: v.Labels})
	return err
}

// removeVolumes removes volumes, leaving those still in use.
func (m *Manager) removeVolumes(ctx context.Context, names []string) {
	for _, v := range names {
		_, _ = m.API.VolumeRemove(ctx, v, client.VolumeRemoveOptions{})
	}
}

// imageOf returns the image a service runs, building it when the service
// has a build section and pulling it when it is missing, with its ID and
// VOLUME paths.
func (m *Manager) imageOf(ctx context.Context, p *types.Project, svc types.ServiceConfig) (ref, id string, volumes []string, err error) {
	ref = serviceImage(m.Project, svc)
	if svc.Build != nil {
		if err := m.build(ctx, p, svc); err != nil {
			return "", "", nil, err
		}
	}
	insp, err := m.API.ImageInspect(ctx, ref)
	if err != nil && cerrdefs.IsNotFound(err) && svc.Build == nil {
		if err := m.pull(ctx, svc.Name, ref); err != nil {
			return "", "", nil, err
		}
		insp, err = m.API.ImageInspect(ctx, ref)
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("service %s: image %s: %w", svc.Name, ref, err)
	}
	if insp.Config != nil {
		volumes = slices.Sorted(maps.Keys(insp.Config.Volumes))
	}
	return ref, insp.ID, volumes, nil
}

// pull pulls a missing image; the engine reports failures inside the
// progress stream, which Wait reads to its end. Credentials come from the
// docker config, as for `docker pull`.
func (m *Manager) pull(ctx context.Context, service, ref string) error {
	fmt.Fprintf(m.out(), "%s pull %s for %s\n", m.Color.Cyan("▶"), ref, service)
	auth, err := registryauth.ForImage(ref)
	if err != nil {
		return &ImageError{Image: ref, Service: service, Err: err}
	}
	resp, err := m.API.ImagePull(ctx, ref, client.ImagePullOptions{RegistryAuth: auth})
	if err == nil {
		err = resp.Wait(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &ImageError{Image: ref, Service: service, Err: lastPart(err)}
	}
	return nil
}

// lastPart keeps the last, most specific part of an engine error.
func lastPart(err error) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i > 12 {
		return errors.New(msg[i+2:])
	}
	return err
}
