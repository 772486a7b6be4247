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

// Slot is an entry in force from Since. Replicas are its, merged with
// those of the entries that fire at the same instant (the later in the
// list wins for a service two of them name).
type Slot struct {
	Entry    *Entry
	Since    time.Time
	Replicas map[string]uint64
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

// slot is the slot of the entries that fire at at (when(e) gives each
// entry's firing time), the later in the list taking its Entry.
func (s *Schedule) slot(at time.Time, when func(*Entry) time.Time) Slot {
	sl := Slot{Since: at, Replicas: map[string]uint64{}}
	for i := range s.Entries {
		if e := &s.Entries[i]; when(e).Equal(at) {
			sl.Entry = e
			maps.Copy(sl.Replicas, e.Replicas)
		}
	}
	return sl
}

// Current is the slot in force at t: the entries that fired last, at or
// before t; ok false when none has fired in the past year.
func (s *Schedule) Current(t time.Time) (Slot, bool) {
	prev := map[*Entry]time.Time{}
	var latest time.Time
	for i := range s.Entries {
		e := &s.Entries[i]
		if prev[e] = e.prev(t); prev[e].After(latest) {
			latest = prev[e]
		}
	}
	if latest.IsZero() {
		return Slot{}, false
	}
	return s.slot(latest, func(e *Entry) time.Time { return prev[e] }), true
}

// Next is the next slot after t, and when.
func (s *Schedule) Next(t time.Time) (Slot, bool) {
	next := map[*Entry]time.Time{}
	var first time.Time
	for i := range s.Entries {
		e := &s.Entries[i]
		if next[e] = e.spec.Next(t.In(e.loc)); !next[e].IsZero() && (first.IsZero() || next[e].Before(first)) {
			first = next[e]
		}
	}
	if first.IsZero() {
		return Slot{}, false
	}
	return s.slot(first, func(e *Entry) time.Time { return next[e] }), true
}

// Replicas are the replicas a deploy applies at t: the env's replicas
// table (base), and over it, for each service a schedule entry names,
// the count of the entry naming it that fired last: what the agent
// applied, entry after entry.
func (s *Schedule) Replicas(base map[string]uint64, t time.Time) map[string]uint64 {
	out := maps.Clone(base)
	since := map[string]time.Time{}
	for i := range s.Entries {
		e := &s.Entries[i]
		at := e.prev(t)
		if at.IsZero() {
			continue
		}
		for svc, n := range e.Replicas {
			if !at.Before(since[svc]) {
				if out == nil {
					out = map[string]uint64{}
				}
				out[svc], since[svc] = n, at
			}
		}
	}
	return out
}

// Describe is the slot in a few words: `0 7 * * 1-5` (Europe/Paris) → web=25.
func (sl Slot) Describe() string {
	tz := sl.Entry.TZ
	if tz == "" {
		tz = "UTC"
	}
	return fmt.Sprintf("%q (%s) → %s", sl.Entry.Cron, tz, FormatReplicas(sl.Replicas))
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
