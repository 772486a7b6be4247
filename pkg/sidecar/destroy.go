package sidecar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Removed is what Destroy removed, by name, each list sorted.
type Removed struct {
	Containers, Networks, Volumes []string
	// KeptVolumes are the project's volumes Destroy was told to keep.
	KeptVolumes []string
}

// Volumes lists the project's volumes (those gazr created for its
// services; never external ones, nor the shared caches), sorted.
func (m *Manager) Volumes(ctx context.Context) ([]string, error) {
	res, err := m.API.VolumeList(ctx, client.VolumeListOptions{Filters: projectFilter(m.Project)})
	if err != nil {
		return nil, fmt.Errorf("list the volumes of project %s: %w", m.Project, err)
	}
	var names []string
	for _, v := range res.Items {
		names = append(names, v.Name)
	}
	slices.Sort(names)
	return names, nil
}

// Destroy removes everything of the project that gazr manages on the
// engine: its containers (services, and steps left by a gazr that was
// killed), stopping services gracefully first; its networks; and, when
// volumes is true, its volumes, whose data is then lost. The swarm objects
// of `gazr deploy` and the shared caches are never touched.
func (m *Manager) Destroy(ctx context.Context, volumes bool) (Removed, error) {
	var r Removed
	cs, err := m.API.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(m.Project)})
	if err != nil {
		return r, fmt.Errorf("list the containers of project %s: %w", m.Project, err)
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, c := range cs.Items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := c.ID[:12]
			if len(c.Names) > 0 {
				name = strings.TrimPrefix(c.Names[0], "/")
			}
			err := m.removeContainer(ctx, c.ID, true)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			r.Containers = append(r.Containers, name)
		}()
	}
	wg.Wait()
	slices.Sort(r.Containers)
	if err := errors.Join(errs...); err != nil {
		return r, err
	}
	ns, err := m.API.NetworkList(ctx, client.NetworkListOptions{Filters: projectFilter(m.Project)})
	if err != nil {
		return r, fmt.Errorf("list the networks of project %s: %w", m.Project, err)
	}
	for _, n := range ns.Items {
		if _, err := m.API.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			return r, fmt.Errorf("remove network %s: %w", n.Name, err)
		}
		r.Networks = append(r.Networks, n.Name)
	}
	slices.Sort(r.Networks)
	vols, err := m.Volumes(ctx)
	if err != nil {
		return r, err
	}
	if !volumes {
		r.KeptVolumes = vols
		return r, nil
	}
	for _, v := range vols {
		if _, err := m.API.VolumeRemove(ctx, v, client.VolumeRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			return r, fmt.Errorf("remove volume %s: %w", v, err)
		}
		r.Volumes = append(r.Volumes, v)
	}
	return r, nil
}
