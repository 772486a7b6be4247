package schedule

import (
	"strconv"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
)

func day(t *testing.T) *Schedule {
	t.Helper()
	s, err := Compile([]config.ReplicaSchedule{
		{Cron: "0 7 * * 1-5", TZ: "Europe/Paris", Replicas: map[string]uint64{"web": 25}},
		{Cron: "0 19 * * *", TZ: "Europe/Paris", Replicas: map[string]uint64{"web": 3}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCurrentAndNext: by day 25, at night and on weekends 3, each from
// the time its cron last fired, in the entry's own time zone.
func TestCurrentAndNext(t *testing.T) {
	s := day(t)
	tests := []struct {
		now, since, next string
		web              uint64
	}{
		{"2026-12-07 06:59", "2026-12-06 19:00", "2026-12-07 07:00", 3}, // Monday before 7
		{"2026-12-07 07:00", "2026-12-07 07:00", "2026-12-07 19:00", 25},
		{"2026-12-07 12:30", "2026-12-07 07:00", "2026-12-07 19:00", 25},
		{"2026-12-07 19:00", "2026-12-07 19:00", "2026-12-08 07:00", 3},
		{"2026-12-12 12:00", "2026-12-11 19:00", "2026-12-12 19:00", 3}, // Saturday: the 19:00 entry fires daily
		{"2026-12-14 08:00", "2026-12-14 07:00", "2026-12-14 19:00", 25},
	}
	for _, tt := range tests {
		now := at(t, tt.now)
		cur, ok := s.Current(now)
		if !ok || !cur.Since.Equal(at(t, tt.since)) || cur.Entry.Replicas["web"] != tt.web {
			t.Errorf("%s: in force %v since %v, want web=%d since %s", tt.now, cur.Entry, cur.Since, tt.web, tt.since)
		}
		next, ok := s.Next(now)
		if !ok || !next.Since.Equal(at(t, tt.next)) {
			t.Errorf("%s: next change %v, want %s", tt.now, next.Since, tt.next)
		}
		if got := s.Replicas(map[string]uint64{"web": 1, "db": 1}, now); got["web"] != tt.web || got["db"] != 1 {
			t.Errorf("%s: replicas %v, want web=%d db=1", tt.now, got, tt.web)
		}
	}
}

// TestSummerTime: 07:00 in Paris is 06:00 UTC in summer, 05:00 UTC in
// winter.
func TestSummerTime(t *testing.T) {
	s := day(t)
	for _, tt := range []struct{ utc, since string }{
		{"2026-07-06T06:30:00Z", "2026-07-06T05:00:00Z"},
		{"2026-12-07T06:30:00Z", "2026-12-07T06:00:00Z"},
	} {
		now, _ := time.Parse(time.RFC3339, tt.utc)
		cur, _ := s.Current(now)
		if want, _ := time.Parse(time.RFC3339, tt.since); !cur.Since.Equal(want) {
			t.Errorf("%s: in force since %s, want %s", tt.utc, cur.Since.UTC(), tt.since)
		}
	}
}

// TestNothingFired: an entry that never fires in a year (30 February)
// is never in force; no entries, none.
func TestNothingFired(t *testing.T) {
	s, err := Compile([]config.ReplicaSchedule{{Cron: "0 0 30 2 *", Replicas: map[string]uint64{"web": 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if cur, ok := s.Current(time.Now()); ok {
		t.Errorf("in force: %v", cur)
	}
	empty, _ := Compile(nil)
	if _, ok := empty.Current(time.Now()); ok {
		t.Errorf("an empty schedule has an entry in force")
	}
	if got := empty.Replicas(map[string]uint64{"web": 2}, time.Now()); got["web"] != 2 {
		t.Errorf("replicas %v, want the base's", got)
	}
}

func TestClock(t *testing.T) {
	t.Setenv(ClockEnv, "2026-12-07T06:59:50Z@"+strconv.FormatInt(time.Now().Add(-5*time.Second).Unix(), 10))
	got := Now().UTC()
	want, _ := time.Parse(time.RFC3339, "2026-12-07T06:59:55Z")
	if d := got.Sub(want); d < -2*time.Second || d > 2*time.Second {
		t.Errorf("test clock: %s, want about %s", got, want)
	}
}
