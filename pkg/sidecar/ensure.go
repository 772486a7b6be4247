package sidecar

import (
	"context"
	"fmt"
	"slices"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	mcontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// ensure makes one service run with its current definition and waits
// until it is ready, reusing its container when the definition is
// unchanged.
func (u *upRun) ensure(ctx context.Context, name string, st *serviceState) error {
	m, p := u.m, u.sel.project
	start := time.Now()
	svc := p.Services[name]
	ref, imageID, vols, err := m.imageOf(ctx, p, svc)
	if err != nil {
		return err
	}
	spec, err := Convert(p, name, Target{Project: m.Project, Network: u.network, Image: ref, ImageID: imageID, ImageVolumes: vols})
	if err != nil {
		return err
	}
	id, note, err := u.current(ctx, spec)
	if err != nil {
		return err
	}
	if id != "" && note == "reused" {
		switch kind, state := m.readyNow(ctx, id, u.until(name)); state {
		case stateReady:
			closeOnce(st.started)
			u.printf("%s %s reused (%s)\n", m.Color.Gray("•"), name, kind)
			return nil
		case stateFailed: // running but unhealthy: a fresh container may do better
			if err := m.removeContainer(ctx, id, true); err != nil {
				return fmt.Errorf("service %s: %w", name, err)
			}
			id, note = "", "recreated: it was unhealthy"
		}
	}
	if id == "" {
		if id, err = u.create(ctx, spec); err != nil {
			return err
		}
	}
	if _, err := m.API.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		u.track(name, id) // removed by Up: it never started
		return fmt.Errorf("service %s: start: %w", name, err)
	}
	closeOnce(st.started)
	kind, err := m.waitReady(ctx, id, name, u.until(name))
	took := time.Since(start).Round(100 * time.Millisecond)
	if err != nil {
		if ctx.Err() == nil {
			u.printf("%s %s failed after %s\n", m.Color.Red("✘"), name, took)
			cctx, cancel := cleanupContext()
			defer cancel()
			_ = m.removeContainer(cctx, id, false)
			u.track(name, "")
			m.removeVolumes(cctx, u.untrackVolumes(name))
		}
		return err
	}
	u.track(name, "")
	u.untrackVolumes(name)
	if note != "" && note != "reused" {
		note = " (" + note + ")"
	} else {
		note = ""
	}
	u.printf("%s %s %s in %s%s\n", m.Color.Green("✔"), name, kind, took, note)
	return nil
}

// current finds the service's container. It returns its ID and "reused"
// when its definition is spec's, "" and a note when there is none to
// reuse (a changed one is removed first, gracefully).
func (u *upRun) current(ctx context.Context, spec *Spec) (id, note string, err error) {
	m := u.m
	cs, err := m.serviceContainers(ctx, spec.Service)
	if err != nil {
		return "", "", err
	}
	for _, c := range cs {
		keep := id == "" && slices.Contains(c.Names, "/"+spec.Create.Name) && c.Labels[LabelConfigHash] == spec.Hash
		switch {
		case keep && (c.State == mcontainer.StateRunning || c.State == mcontainer.StateExited || c.State == mcontainer.StateCreated):
			id, note = c.ID, "reused"
			if c.State != mcontainer.StateRunning {
				note = "restarted"
			}
		default:
			if c.Labels[LabelConfigHash] != spec.Hash {
				note = "recreated: its definition changed"
			} else {
				note = "recreated: it was " + string(c.State)
			}
			if err := m.removeContainer(ctx, c.ID, true); err != nil {
				return "", "", fmt.Errorf("service %s: %w", spec.Service, err)
			}
		}
	}
	return id, note, nil
}

// Verdicts of readyNow.
const (
	stateWaiting = iota
	stateReady
	stateFailed
)

// readyNow reads whether a running reused container is ready at once,
// failed, or still on its way.
func (m *Manager) readyNow(ctx context.Context, id string, until readiness) (string, int) {
	res, err := m.API.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil || res.Container.State == nil {
		return "", stateWaiting
	}
	done, kind, reason := verdict(res.Container.State, until)
	switch {
	case done && reason == "":
		return kind, stateReady
	case done:
		return "", stateFailed
	}
	return "", stateWaiting
}

// create creates the service's container, with its volumes. A container of
// the same name created meanwhile (another gazr of the same project) is
// taken over when it is gazr's.
func (u *upRun) create(ctx context.Context, spec *Spec) (string, error) {
	m := u.m
	vols, err := m.ensureVolumes(ctx, spec)
	u.trackVolumes(spec.Service, vols)
	if err != nil {
		return "", err
	}
	cctx, cancel := createContext(ctx)
	defer cancel()
	res, err := m.API.ContainerCreate(cctx, spec.Create)
	switch {
	case err == nil:
		u.track(spec.Service, res.ID) // removed by Up if ctx is done
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return res.ID, nil
	case ctx.Err() != nil || cctx.Err() != nil:
		m.removeUnstarted(spec)
		return "", fmt.Errorf("service %s: create container: %w", spec.Service, err)
	case !cerrdefs.IsConflict(err):
		return "", fmt.Errorf("service %s: create container: %w", spec.Service, err)
	}
	insp, ierr := m.API.ContainerInspect(ctx, spec.Create.Name, client.ContainerInspectOptions{})
	if ierr != nil || insp.Container.Config == nil || insp.Container.Config.Labels[LabelService] != spec.Service ||
		insp.Container.Config.Labels[LabelConfigHash] != spec.Hash {
		return "", fmt.Errorf("service %s: a container named %s exists and is not this service's: remove it (docker rm -f %s) and run again",
			spec.Service, spec.Create.Name, spec.Create.Name)
	}
	return insp.Container.ID, nil
}

// removeUnstarted removes the service's container if a create that failed
// (the engine too slow) made it all the same: it has this definition and
// never started.
func (m *Manager) removeUnstarted(spec *Spec) {
	ctx, cancel := cleanupContext()
	defer cancel()
	insp, err := m.API.ContainerInspect(ctx, spec.Create.Name, client.ContainerInspectOptions{})
	if err != nil || insp.Container.Config == nil || insp.Container.State == nil ||
		insp.Container.Config.Labels[LabelConfigHash] != spec.Hash || insp.Container.State.Status != mcontainer.StateCreated {
		return
	}
	if err := m.removeContainer(ctx, insp.Container.ID, false); err != nil {
		fmt.Fprintf(m.out(), "gazr: warning: service %s: %v\n", spec.Service, err)
	}
}
