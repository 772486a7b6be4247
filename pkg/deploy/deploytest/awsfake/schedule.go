package awsfake

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"
	_ "time/tzdata" // time zones of scheduled actions, whatever the host has
)

// ScheduledAction is a scheduled action of a group, as Group.Scheduled
// lists it.
type ScheduledAction struct {
	Name string
	// Recurrence is the cron expression, read in TimeZone (UTC if empty);
	// empty for a one-time action, which runs at Start and is deleted.
	Recurrence string
	TimeZone   string
	// Start, End bound a recurring action; Start is a one-time action's time.
	Start, End time.Time
	// Min, Max, Desired are the sizes it sets (nil: unchanged).
	Min, Max, Desired *int
	// Next is when it runs next (zero: never again).
	Next time.Time
}

// action is the fake's record of a scheduled action.
type action struct {
	ScheduledAction
	group   string
	cron    *cronSpec
	loc     *time.Location
	arnID   string
	checked time.Time // occurrences up to here have run (or were missed)
}

// nextAfter is the action's first run after t, zero if none.
func (a *action) nextAfter(t time.Time) time.Time {
	if a.cron == nil {
		if a.Start.After(t) {
			return a.Start
		}
		return time.Time{}
	}
	if !a.Start.IsZero() && a.Start.After(t) {
		t = a.Start.Add(-time.Nanosecond)
	}
	n := a.cron.next(t, a.loc)
	if n.IsZero() || (!a.End.IsZero() && n.After(a.End)) {
		return time.Time{}
	}
	return n.UTC()
}

// actionView copies a with its next run; f.mu held.
func (f *Fake) actionView(a *action) ScheduledAction {
	v := a.ScheduledAction
	v.Next = a.nextAfter(f.now())
	if a.cron == nil {
		v.Next = a.Start
	}
	return v
}

// newAction validates a scheduled action for group g, as
// PutScheduledUpdateGroupAction does.
func (f *Fake) newAction(s ScheduledAction) (*action, *APIError) {
	if s.Name == "" {
		return nil, validation("1 validation error detected: Value null at 'scheduledActionName' failed to satisfy constraint: Member must not be null")
	}
	if s.Min == nil && s.Max == nil && s.Desired == nil {
		return nil, validation("At least one of MinSize, MaxSize or DesiredCapacity must be specified.")
	}
	if s.Min != nil && s.Max != nil && *s.Min > *s.Max {
		return nil, validation("The scheduled action's MinSize (%d) is greater than its MaxSize (%d).", *s.Min, *s.Max)
	}
	a := &action{ScheduledAction: s, arnID: newUUID(), loc: time.UTC, checked: f.now()}
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil || s.TimeZone == "Local" {
			return nil, validation("Invalid time zone: %s", s.TimeZone)
		}
		a.loc = loc
	}
	switch {
	case s.Recurrence != "":
		c, err := parseCron(s.Recurrence)
		if err != nil {
			return nil, validation("Given recurrence string is not valid: %v", err)
		}
		a.cron = c
	case s.Start.IsZero():
		return nil, validation("Either StartTime or Recurrence must be specified.")
	case s.Start.Before(f.now()):
		return nil, validation("Given start time is in the past")
	}
	return a, nil
}

// PutScheduledAction puts a scheduled action on group (replacing one of
// the same name), as PutScheduledUpdateGroupAction does.
func (f *Fake) PutScheduledAction(groupName string, s ScheduledAction) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.putLocked(groupName, s); e != nil {
		return e
	}
	return nil
}

// putLocked validates and stores s; f.mu held.
func (f *Fake) putLocked(groupName string, s ScheduledAction) *APIError {
	g, ok := f.groups[groupName]
	if !ok {
		return groupNotFound(groupName)
	}
	a, e := f.newAction(s)
	if e != nil {
		return e
	}
	a.group = g.Name
	g.actions[s.Name] = a
	return nil
}

// Fire runs group's scheduled action name now, whatever its schedule (a
// one-time action is then deleted, as AWS deletes it once run).
func (f *Fake) Fire(groupName, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[groupName]
	if !ok {
		return fmt.Errorf("group %q: %w", groupName, ErrNotFound)
	}
	a, ok := g.actions[name]
	if !ok {
		return fmt.Errorf("scheduled action %q of group %q: %w", name, groupName, ErrNotFound)
	}
	f.apply(g, a)
	a.checked = f.now()
	f.kickReconciler()
	return nil
}

// lastDue is the action's last run due after a.checked and up to now,
// zero if none.
func (a *action) lastDue(now time.Time) time.Time {
	var last time.Time
	at := a.nextAfter(a.checked)
	for n := 0; !at.IsZero() && !at.After(now) && n < 100000; n++ {
		last = at
		at = a.nextAfter(at)
	}
	return last
}

// runSchedules applies the scheduled actions that came due since they
// were last looked at, in the order of their last due times (each once,
// even if it was due several times), and kicks the reconciler.
func (f *Fake) runSchedules() {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	type due struct {
		at time.Time
		g  *group
		a  *action
	}
	var dues []due
	for _, g := range f.groups {
		for _, a := range g.actions {
			if at := a.lastDue(now); !at.IsZero() {
				dues = append(dues, due{at, g, a})
			}
			a.checked = now
		}
	}
	sort.Slice(dues, func(i, j int) bool { return dues[i].at.Before(dues[j].at) })
	for _, d := range dues {
		f.apply(d.g, d.a)
	}
	if len(dues) > 0 {
		f.kickReconciler()
	}
}

// apply sets g's sizes as a says (desired kept within min and max); a
// one-time action is deleted; f.mu held.
func (f *Fake) apply(g *group, a *action) {
	if a.Min != nil {
		g.Min = *a.Min
	}
	if a.Max != nil {
		g.Max = *a.Max
	}
	if a.Desired != nil {
		g.Desired = *a.Desired
	}
	g.Max = max(g.Max, g.Min)
	g.Desired = min(max(g.Desired, g.Min), g.Max)
	if a.cron == nil {
		delete(g.actions, a.Name)
	}
	f.logf("scheduled action %s of %s: min %d, max %d, desired %d", a.Name, g.Name, g.Min, g.Max, g.Desired)
}

// sortedActions lists the actions of the group named (all groups if
// empty) by group then name; f.mu held.
func (f *Fake) sortedActions(groupName string) []*action {
	var out []*action
	for _, gn := range slices.Sorted(maps.Keys(f.groups)) {
		if groupName != "" && gn != groupName {
			continue
		}
		g := f.groups[gn]
		for _, n := range slices.Sorted(maps.Keys(g.actions)) {
			out = append(out, g.actions[n])
		}
	}
	return out
}

// Clock is a clock a test moves by hand: pass its Now as Options.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d. Scheduled actions that came due run at
// the fake's next request or reconciler pass.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}
