package sidecar

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	mcontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// readiness is what Up waits for before a service counts as up.
type readiness int

const (
	// untilHealthy: healthy when the service has a health check (its
	// compose healthcheck, else its image's HEALTHCHECK), else running.
	untilHealthy readiness = iota
	// untilCompleted: exited with code 0 (a service others depend on
	// with condition service_completed_successfully, e.g. migrations).
	untilCompleted
)

// logLines is how many of its last log lines a failing service reports.
const logLines = 20

// settle is how long a service without a health check must stay running
// to count as started.
const settle = 300 * time.Millisecond

// waitReady polls the container until it is ready. It returns what it
// became ("healthy", "running", "completed") or a *HealthError saying why
// it never will, with the last probe's output and the last log lines.
func (m *Manager) waitReady(ctx context.Context, id, service string, until readiness) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, m.timeout())
	defer cancel()
	delay := 50 * time.Millisecond
	var (
		last         mcontainer.State
		runningSince time.Time
	)
poll:
	for {
		res, err := m.API.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			if ctx.Err() != nil {
				break poll
			}
			return "", fmt.Errorf("service %s: inspect: %w", service, err)
		}
		st := res.Container.State
		if st == nil {
			return "", fmt.Errorf("service %s: the engine reports no state", service)
		}
		last = *st
		done, kind, reason := verdict(st, until)
		switch {
		case done && reason != "":
			return "", m.healthError(id, service, reason, st)
		case done && kind == "running" && runningSince.IsZero():
			// Without a health check, running is all there is to wait
			// for; a service that crashes on start is caught if it
			// stays up a moment first.
			runningSince = time.Now()
		case done && (kind != "running" || time.Since(runningSince) >= settle):
			return kind, nil
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			break poll
		case <-timer.C:
		}
		delay = min(delay*3/2, 500*time.Millisecond)
	}
	if err := parentErr(ctx); err != nil {
		return "", err
	}
	status := "starting"
	if last.Health != nil {
		status = string(last.Health.Status)
	}
	return "", m.healthError(id, service, fmt.Sprintf("not healthy after %s (health: %s)", m.timeout(), status), &last)
}

// parentErr is the error of a context whose parent was cancelled, nil when
// only the wait's own deadline passed.
func parentErr(ctx context.Context) error {
	if ctx.Err() == context.Canceled {
		return ctx.Err()
	}
	return nil
}

// verdict reads a container state: done says whether waiting is over,
// kind what the service became, reason (when not empty) why it failed.
func verdict(st *mcontainer.State, until readiness) (done bool, kind, reason string) {
	exited := st.Status == mcontainer.StateExited || st.Status == mcontainer.StateDead
	if until == untilCompleted {
		switch {
		case exited && st.ExitCode == 0:
			return true, "completed", ""
		case exited:
			return true, "", fmt.Sprintf("it exited with code %d", st.ExitCode)
		}
		return false, "", ""
	}
	switch {
	case exited && st.OOMKilled:
		return true, "", "it ran out of memory and was killed"
	case exited:
		return true, "", fmt.Sprintf("it exited with code %d", st.ExitCode)
	case st.Restarting:
		return true, "", fmt.Sprintf("it keeps restarting (last exit code %d)", st.ExitCode)
	case !st.Running:
		return false, "", ""
	case st.Health == nil || st.Health.Status == mcontainer.NoHealthcheck:
		return true, "running", ""
	case st.Health.Status == mcontainer.Healthy:
		return true, "healthy", ""
	case st.Health.Status == mcontainer.Unhealthy:
		return true, "", fmt.Sprintf("its health check failed %d times in a row", st.Health.FailingStreak)
	}
	return false, "", ""
}

// healthError builds the report of a failed service: why, the last
// probe's output, the last log lines. It reads the logs with a fresh
// context: the wait's may be over.
func (m *Manager) healthError(id, service, reason string, st *mcontainer.State) *HealthError {
	e := &HealthError{Service: service, Reason: reason}
	if st != nil && st.Health != nil && len(st.Health.Log) > 0 {
		probe := st.Health.Log[len(st.Health.Log)-1]
		e.Probe, e.ProbeExit = probe.Output, probe.ExitCode
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	e.Logs = m.lastLogs(ctx, id, logLines)
	return e
}

// lastLogs returns the last n lines a container wrote (stdout and stderr).
func (m *Manager) lastLogs(ctx context.Context, id string, n int) []string {
	insp, err := m.API.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return []string{fmt.Sprintf("(logs unavailable: %v)", err)}
	}
	rc, err := m.API.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: fmt.Sprint(n)})
	if err != nil {
		return []string{fmt.Sprintf("(logs unavailable: %v)", err)}
	}
	defer rc.Close()
	var buf bytes.Buffer
	if insp.Container.Config != nil && insp.Container.Config.Tty {
		_, err = io.Copy(&buf, rc) // a terminal's output is not multiplexed
	} else {
		_, err = stdcopy.StdCopy(&buf, &buf, rc)
	}
	if err != nil && buf.Len() == 0 {
		return []string{fmt.Sprintf("(logs unavailable: %v)", err)}
	}
	text := strings.TrimRight(buf.String(), "\n")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
