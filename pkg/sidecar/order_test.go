package sidecar

import (
	"errors"
	"slices"
	"strings"
	"testing"

	mcontainer "github.com/moby/moby/api/types/container"
)

const orderYAML = `services:
  app:
    image: app
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
  migrate:
    image: app
    depends_on: [db]
  db:
    image: postgres:15
  cache:
    image: redis:7
  debug:
    image: busybox
    profiles: [debug]
    depends_on: [cache]
`

func TestSelectServices(t *testing.T) {
	p := loadYAML(t, orderYAML, nil)
	tests := []struct {
		names   []string
		want    []string
		wantErr string
	}{
		{names: []string{"db"}, want: []string{"db"}},
		{names: []string{"cache", "db"}, want: []string{"cache", "db"}},
		{names: []string{"app"}, want: []string{"db", "migrate", "app"}},
		{names: []string{"debug"}, want: []string{"cache", "debug"}}, // a profile's service, asked for by name
		{names: []string{"dbb"}, wantErr: `unknown service "dbb"; did you mean "db"? (known in compose.yaml: app, cache, db, debug, migrate)`},
		{names: []string{"db", "x", "y"}, wantErr: `unknown services "x", "y" (known in compose.yaml: app, cache, db, debug, migrate)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.names, ","), func(t *testing.T) {
			sel, err := selectServices(p, tt.names)
			if tt.wantErr != "" {
				var unknown *UnknownServiceError
				if !errors.As(err, &unknown) || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sel.order, tt.want) {
				t.Errorf("order = %v, want %v", sel.order, tt.want)
			}
		})
	}
	if _, ok := p.Services["debug"]; ok {
		t.Error("selecting a profile's service changed the loaded project")
	}
}

func TestUntil(t *testing.T) {
	p := loadYAML(t, orderYAML, nil)
	sel, err := selectServices(p, []string{"app"})
	if err != nil {
		t.Fatal(err)
	}
	u := &upRun{sel: sel}
	for name, want := range map[string]readiness{"db": untilHealthy, "migrate": untilCompleted, "app": untilHealthy} {
		if got := u.until(name); got != want {
			t.Errorf("until(%s) = %v, want %v", name, got, want)
		}
	}
}

func TestVerdict(t *testing.T) {
	health := func(s mcontainer.HealthStatus, streak int) *mcontainer.Health {
		return &mcontainer.Health{Status: s, FailingStreak: streak}
	}
	running := func(h *mcontainer.Health) *mcontainer.State {
		return &mcontainer.State{Status: mcontainer.StateRunning, Running: true, Health: h}
	}
	exited := func(code int) *mcontainer.State {
		return &mcontainer.State{Status: mcontainer.StateExited, ExitCode: code}
	}
	tests := []struct {
		name      string
		st        *mcontainer.State
		until     readiness
		done      bool
		kind, why string
	}{
		{"running, no health check", running(nil), untilHealthy, true, "running", ""},
		{"starting", running(health(mcontainer.Starting, 1)), untilHealthy, false, "", ""},
		{"healthy", running(health(mcontainer.Healthy, 0)), untilHealthy, true, "healthy", ""},
		{"unhealthy", running(health(mcontainer.Unhealthy, 3)), untilHealthy, true, "", "its health check failed 3 times in a row"},
		{"exited", exited(2), untilHealthy, true, "", "it exited with code 2"},
		{"oom", &mcontainer.State{Status: mcontainer.StateExited, ExitCode: 137, OOMKilled: true}, untilHealthy, true, "", "it ran out of memory and was killed"},
		{"restarting", &mcontainer.State{Status: mcontainer.StateRestarting, Restarting: true, Running: true, ExitCode: 1}, untilHealthy, true, "", "it keeps restarting (last exit code 1)"},
		{"created", &mcontainer.State{Status: mcontainer.StateCreated}, untilHealthy, false, "", ""},
		{"one-shot running", running(nil), untilCompleted, false, "", ""},
		{"one-shot done", exited(0), untilCompleted, true, "completed", ""},
		{"one-shot failed", exited(1), untilCompleted, true, "", "it exited with code 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, kind, why := verdict(tt.st, tt.until)
			if done != tt.done || kind != tt.kind || why != tt.why {
				t.Errorf("verdict = %v, %q, %q; want %v, %q, %q", done, kind, why, tt.done, tt.kind, tt.why)
			}
		})
	}
}

func TestHealthErrorMessage(t *testing.T) {
	e := &HealthError{Service: "db", Reason: "its health check failed 3 times in a row", Probe: "no response\n", ProbeExit: 1,
		Logs: []string{"starting", "FATAL: bad config"}}
	want := "service db did not become healthy: its health check failed 3 times in a row (its container was removed, and the volumes created for it just now); " +
		"fix the service or its healthcheck in the compose file, then run again\n" +
		"last health probe (exit code 1):\n  no response\n" +
		"last log lines of db:\n  starting\n  FATAL: bad config"
	if got := e.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	if first, _, _ := strings.Cut((&HealthError{Service: "db", Reason: "it exited with code 1"}).Error(), "\n"); strings.Contains(first, "probe") {
		t.Errorf("no probe, yet the message mentions one: %q", first)
	}
}
