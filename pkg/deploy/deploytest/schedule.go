package deploytest

import (
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// testSchedule: Schedule and ApplySchedule are ErrNotSupported unless
// Properties().Schedule; then ApplySchedule puts the env's schedule in
// force, Schedule lists each configured entry as managed, and a second
// ApplySchedule changes nothing.
func (s *suite) testSchedule(t *testing.T) {
	env := s.env(t)
	b := s.backend(t, env)
	if !b.Properties().Schedule {
		_, err := b.Schedule(shortCtx(t))
		wantErr(t, "Schedule with Properties().Schedule false", err, deploy.ErrNotSupported)
		_, err = b.ApplySchedule(shortCtx(t))
		wantErr(t, "ApplySchedule with Properties().Schedule false", err, deploy.ErrNotSupported)
		return
	}
	if _, err := b.ApplySchedule(shortCtx(t)); err != nil {
		t.Fatalf("ApplySchedule: %v", err)
	}
	again, err := b.ApplySchedule(shortCtx(t))
	if err != nil {
		t.Fatalf("ApplySchedule again: %v", err)
	}
	if len(again) != 0 {
		t.Errorf("a second ApplySchedule changed %q; want nothing (the schedule was in force)", again)
	}
	in, err := b.Schedule(shortCtx(t))
	if err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	managed := 0
	for _, c := range in {
		if c.Managed {
			managed++
		}
	}
	if want := len(env.WorkerSchedule()); managed != want {
		t.Errorf("Schedule lists %d changes written by gazr (%+v); the env configures %d", managed, in, want)
	}
}
