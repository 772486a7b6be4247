package sidecar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	mcontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Stop stops the project's running services, each with its stop signal
// and grace period, concurrently, and returns their names, sorted. Their
// containers, network and volumes stay: the next Up starts them again.
func (m *Manager) Stop(ctx context.Context) (stopped []string, err error) {
	cs, err := m.serviceContainers(ctx, "")
	if err != nil {
		return nil, err
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, c := range cs {
		if c.State != mcontainer.StateRunning && c.State != mcontainer.StateRestarting && c.State != mcontainer.StatePaused {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := c.Labels[LabelService]
			_, err := m.API.ContainerStop(ctx, c.ID, client.ContainerStopOptions{})
			mu.Lock()
			defer mu.Unlock()
			if err != nil && !cerrdefs.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("stop service %s: %w", name, err))
				return
			}
			stopped = append(stopped, name)
		}()
	}
	wg.Wait()
	slices.Sort(stopped)
	return stopped, errors.Join(errs...)
}

// Remove removes the containers of the named services (stopping them
// gracefully first) and then the project's network if no service
// container is left. It returns the services it removed, sorted.
func (m *Manager) Remove(ctx context.Context, names []string) ([]string, error) {
	cs, err := m.serviceContainers(ctx, "")
	if err != nil {
		return nil, err
	}
	var (
		mu      sync.Mutex
		errs    []error
		removed []string
		wg      sync.WaitGroup
	)
	for _, c := range cs {
		name := c.Labels[LabelService]
		if !slices.Contains(names, name) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := m.removeContainer(ctx, c.ID, true)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("service %s: %w", name, err))
				return
			}
			removed = append(removed, name)
		}()
	}
	wg.Wait()
	slices.Sort(removed)
	if err := errors.Join(errs...); err != nil {
		return removed, err
	}
	return removed, m.removeNetworkIfUnused(ctx)
}
