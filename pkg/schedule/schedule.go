// Package schedule reads an env's [[env.<name>.schedule]] entries in
// time: which entry is in force at an instant (the one that fired last),
// and when the next change comes. gazr's agent applies the entry in force;
// a deploy keeps its replicas; `gazr scale` and `gazr status` say until
// when a count holds.
package schedule

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/gazr-io/gazr/pkg/config"
)

// Entry is one compiled schedule entry.
type Entry struct {
	config.ReplicaSchedule
	// Index is its place in the env's list.
	Index int
	spec  cron.Schedule
	loc   *time.Location
}

// Schedule is an env's entries, compiled.
type Schedule struct{ Entries []Entry }

// Compile compiles the entries (already validated by the config loader;
// an error here names the entry).
func Compile(list []config.ReplicaSchedule) (*Schedule, error) {
	s := &Schedule{}
	for i, e := range list {
		loc := time.UTC
		if e.TZ != "" {
			var err error
			if loc, err = time.LoadLocation(e.TZ); err != nil {
				return nil, fmt.Errorf("schedule[%d].tz %q: %w", i, e.TZ, err)
			}
		}
		spec, err := cron.ParseStandard(e.Cron)
		if err != nil {
			return nil, fmt.Errorf("schedule[%d].cron %q: %w", i, e.Cron, err)
		}
		s.Entries = append(s.Entries, Entry{ReplicaSchedule: e, Index: i, spec: spec, loc: loc})
	}
	return s, nil
}

// Slot is an entry in force from Since.
type Slot struct {
	Entry *Entry
	Since time.Time
}

// lookBack are the windows searched for an entry's last firing, shortest
// first: a cron that fires every few minutes is found in the first, a
// yearly one in the last.
var lookBack = []time.Duration{time.Hour, 26 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour}

// prev is when e last fired at or before t; zero when not in a year.
func (e *Entry) prev(t time.Time) time.Time {
	t = t.In(e.loc)
	for _, w := range lookBack {
		var last time.Time
		// Next answers the zero time for a cron that never fires (30
		// February).
		for at := e.spec.Next(t.Add(-w)); !at.IsZero() && !at.After(t); at = e.spec.Next(at) {
			last = at
		}
		if !last.IsZero() {
			return last
		}
	}
	return time.Time{}
}

// Current is the entry in force at t: the one that fired last, at or
// before t (ties: the later in the list); ok false when none has fired
// in the past year.
func (s *Schedule) Current(t time.Time) (Slot, bool) {
	var cur Slot
	for i := range s.Entries {
		if at := s.Entries[i].prev(t); !at.IsZero() && !at.Before(cur.Since) {
			cur = Slot{Entry: &s.Entries[i], Since: at}
		}
	}
	return cur, cur.Entry != nil
}

// Next is the next entry to fire after t, and when (ties: the later in
// the list, which is then the one in force).
func (s *Schedule) Next(t time.Time) (Slot, bool) {
	var next Slot
	for i := range s.Entries {
		at := s.Entries[i].spec.Next(t.In(s.Entries[i].loc))
		if at.IsZero() {
			continue
		}
		if next.Entry == nil || !at.After(next.Since) {
			next = Slot{Entry: &s.Entries[i], Since: at}
		}
	}
	return next, next.Entry != nil
}

// Replicas are the replicas the env's config gives (base, from its
// replicas table) with the entry in force at t over them: what a deploy
// applies.
func (s *Schedule) Replicas(base map[string]uint64, t time.Time) map[string]uint64 {
	out := maps.Clone(base)
	if slot, ok := s.Current(t); ok {
		if out == nil {
			out = map[string]uint64{}
		}
		maps.Copy(out, slot.Entry.Replicas)
	}
	return out
}

// Describe is the slot in a few words: `0 7 * * 1-5` (Europe/Paris) → web=25.
func (sl Slot) Describe() string {
	tz := sl.Entry.TZ
	if tz == "" {
		tz = "UTC"
	}
	return fmt.Sprintf("%q (%s) → %s", sl.Entry.Cron, tz, FormatReplicas(sl.Entry.Replicas))
}

// FormatReplicas writes replicas as web=25 worker=3, sorted.
func FormatReplicas(r map[string]uint64) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(r)) {
		out = append(out, k+"="+strconv.FormatUint(r[k], 10))
	}
	return strings.Join(out, " ")
}

// ClockEnv sets a test clock for every gazr process that reads it
// (deploy, status, scale, the agent, which a deploy passes it to):
// "FAKE@REAL", where FAKE is an RFC 3339 time and REAL the Unix time it
// stood for; the clock then runs from FAKE at real speed. For tests only.
const ClockEnv = "GAZR_TEST_CLOCK"

// Now is the time, by the test clock when ClockEnv is set.
func Now() time.Time {
	v := os.Getenv(ClockEnv)
	if v == "" {
		return time.Now()
	}
	fake, real, ok := strings.Cut(v, "@")
	f, err1 := time.Parse(time.RFC3339, fake)
	r, err2 := strconv.ParseInt(real, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Now()
	}
	return f.Add(time.Since(time.Unix(r, 0)))
}
