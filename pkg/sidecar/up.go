package sidecar

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"
)

// Up starts the named services of p, and what they depend on, on the
// project's network, and waits until each is healthy (its compose
// healthcheck, else its image's HEALTHCHECK, else running). It returns the
// network's name, for the steps to join.
//
// A service whose container exists with the same definition (see Spec.Hash)
// is reused, started again if it was stopped; one whose definition changed
// is recreated. Independent services start concurrently; a service starts
// once its depends_on conditions hold. Unknown names are an
// *UnknownServiceError, a missing image that cannot be pulled an
// *ImageError, a service that never gets healthy a *HealthError.
//
// On failure or cancellation, nothing half-started is left: the containers
// this call created that are not healthy yet are removed (volumes are
// kept), a failed service's container too, and the network when this call
// created it and no service container is left. Healthy services stay up.
func (m *Manager) Up(ctx context.Context, p *types.Project, names []string) (string, error) {
	sel, err := selectServices(p, names)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(m.out(), "%s services %s\n", m.Color.Cyan("▶"), strings.Join(sel.order, ", "))
	network, created, err := m.ensureNetwork(ctx)
	if err != nil {
		return "", err
	}
	u := &upRun{m: m, sel: sel, network: network, created: map[string]string{},
		volumes: map[string][]string{}, states: map[string]*serviceState{}}
	if err := u.run(ctx); err != nil {
		cctx, cancel := cleanupContext()
		defer cancel()
		if !u.removeUnready(cctx) && errors.Is(err, context.Canceled) {
			// Not ctx's error: "those not healthy were removed" is untrue.
			err = errors.New("services interrupted; some containers could not be removed")
		}
		if created {
			_ = m.removeNetworkIfUnused(cctx)
		}
		return "", err
	}
	return network, nil
}

// upRun is one Up in progress.
type upRun struct {
	m       *Manager
	sel     *selection
	network string

	mu      sync.Mutex
	created map[string]string   // service → container created by this Up, until it is ready
	volumes map[string][]string // service → volumes created by this Up, until it is ready
	states  map[string]*serviceState
}

// serviceState tells dependents how a service's start went.
type serviceState struct {
	started, ready chan struct{}
	err            error // set before ready is closed
}

// errDependency is the error of a service that did not start because a
// dependency failed; the dependency's own error is the one reported.
var errDependency = errors.New("a dependency failed")

// run starts every selected service in its own goroutine and returns the
// first failure, which cancels the others.
func (u *upRun) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, name := range u.sel.order {
		u.states[name] = &serviceState{started: make(chan struct{}), ready: make(chan struct{})}
	}
	errs := make([]error, len(u.sel.order))
	var wg sync.WaitGroup
	for i, name := range u.sel.order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := u.states[name]
			err := u.service(ctx, name, st)
			st.err = err
			closeOnce(st.started)
			close(st.ready)
			if err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	return firstError(errs)
}

// firstError prefers a service's own failure to the cancellations and
// dependency failures it caused.
func firstError(errs []error) error {
	var fallback error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, errDependency), errors.Is(err, context.Canceled):
			if fallback == nil || errors.Is(fallback, errDependency) {
				fallback = err
			}
		default:
			return err
		}
	}
	return fallback
}

// service waits for the service's dependencies, then ensures it runs.
func (u *upRun) service(ctx context.Context, name string, st *serviceState) error {
	svc := u.sel.project.Services[name]
	for _, dep := range slices.Sorted(maps.Keys(svc.DependsOn)) {
		ds, ok := u.states[dep]
		if !ok {
			continue // an optional dependency the project lacks
		}
		wait := ds.ready
		if svc.DependsOn[dep].Condition == types.ServiceConditionStarted {
			wait = ds.started
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
		// err is written before ready is closed: read it only after that.
		select {
		case <-ds.ready:
			if ds.err != nil {
				return errDependency
			}
		default:
		}
	}
	return u.ensure(ctx, name, st)
}

// until is what the service must reach before it counts as up.
func (u *upRun) until(name string) readiness {
	for _, other := range u.sel.order {
		if d, ok := u.sel.project.Services[other].DependsOn[name]; ok && d.Condition == types.ServiceConditionCompletedSuccessfully {
			return untilCompleted
		}
	}
	return untilHealthy
}

// track records (id != "") or forgets (id == "") the container this Up
// created for a service and that is not ready yet.
func (u *upRun) track(name, id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if id == "" {
		delete(u.created, name)
	} else {
		u.created[name] = id
	}
}

// trackVolumes records the volumes this Up created for a service: a
// service that never gets ready leaves none (a half-initialised database
// would be taken for a ready one next time).
func (u *upRun) trackVolumes(name string, vols []string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.volumes[name] = append(u.volumes[name], vols...)
}

// untrackVolumes forgets, and returns, the volumes created for a service.
func (u *upRun) untrackVolumes(name string) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	vols := u.volumes[name]
	delete(u.volumes, name)
	return vols
}

// removeUnready removes the containers this Up created that never became
// ready, then the volumes it created for them. It reports false, after a
// warning, when a container may be left.
func (u *upRun) removeUnready(ctx context.Context) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	ok := true
	for name, id := range u.created {
		if err := u.m.removeContainer(ctx, id, false); err != nil {
			fmt.Fprintf(u.m.out(), "gazr: warning: service %s: %v\n", name, err)
			ok = false
		}
		delete(u.created, name)
	}
	for name, vols := range u.volumes {
		u.m.removeVolumes(ctx, vols)
		delete(u.volumes, name)
	}
	return ok
}

func (u *upRun) printf(format string, args ...any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	fmt.Fprintf(u.m.out(), format, args...)
}

func closeOnce(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}
