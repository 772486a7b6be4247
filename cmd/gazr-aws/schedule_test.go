package main

import (
	"regexp"
	"slices"
	"testing"
)

func TestManagedName(t *testing.T) {
	a := ScheduledAction{Recurrence: "0 8 * * 1-5", TimeZone: "Europe/Paris", Desired: 3}
	n := managedName(0, a)
	if !regexp.MustCompile(`^gazr-1-[0-9a-f]{8}$`).MatchString(n) {
		t.Errorf("managedName = %q, want gazr-1-<8 hex>", n)
	}
	if managedName(0, a) != n {
		t.Error("managedName is not deterministic")
	}
	b := a
	b.Name = "ignored"
	if managedName(0, b) != n {
		t.Error("managedName depends on the requested name")
	}
	for _, other := range []ScheduledAction{
		{Recurrence: "0 9 * * 1-5", TimeZone: "Europe/Paris", Desired: 3},
		{Recurrence: "0 8 * * 1-5", TimeZone: "UTC", Desired: 3},
		{Recurrence: "0 8 * * 1-5", TimeZone: "Europe/Paris", Desired: 4},
	} {
		if managedName(0, other) == n {
			t.Errorf("%+v has the name of %+v", other, a)
		}
	}
}

func TestPlanSchedule(t *testing.T) {
	up := ScheduledAction{Recurrence: "0 8 * * 1-5", TimeZone: "Europe/Paris", Desired: 3}
	down := ScheduledAction{Recurrence: "0 20 * * *", TimeZone: "Europe/Paris", Desired: 0}
	named := func(i int, a ScheduledAction) ScheduledAction { a.Name = managedName(i, a); return a }
	foreign := ScheduledAction{Name: "nightly-batch", Recurrence: "0 2 * * *", Desired: 5}
	edited := named(0, up)
	edited.Desired = 7
	stale := named(0, ScheduledAction{Recurrence: "0 7 * * *", Desired: 2})

	tests := []struct {
		name    string
		current []ScheduledAction
		wanted  []ScheduledAction
		want    []string
	}{
		{"empty to two", nil, []ScheduledAction{up, down}, []string{
			"put " + managedName(0, up) + ": desired 3 at 0 8 * * 1-5 (Europe/Paris)",
			"put " + managedName(1, down) + ": desired 0 at 0 20 * * * (Europe/Paris)",
		}},
		{"already in force", []ScheduledAction{named(0, up), named(1, down), foreign}, []ScheduledAction{up, down}, nil},
		{"edited by hand", []ScheduledAction{edited, named(1, down)}, []ScheduledAction{up, down}, []string{
			"replace " + managedName(0, up) + ": desired 3 at 0 8 * * 1-5 (Europe/Paris) (was desired 7 at 0 8 * * 1-5 (Europe/Paris))",
		}},
		{"changed entry: new name, old deleted", []ScheduledAction{stale, foreign}, []ScheduledAction{up}, []string{
			"put " + managedName(0, up) + ": desired 3 at 0 8 * * 1-5 (Europe/Paris)",
			"delete " + stale.Name + ": desired 2 at 0 7 * * * (UTC)",
		}},
		{"empty schedule deletes gazr's only", []ScheduledAction{named(0, up), foreign}, nil, []string{
			"delete " + managedName(0, up) + ": desired 3 at 0 8 * * 1-5 (Europe/Paris)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := planSchedule(tt.current, tt.wanted)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ch := range plan {
				got = append(got, ch.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("plan:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

func TestPlanScheduleInvalid(t *testing.T) {
	for _, w := range []ScheduledAction{{Recurrence: " ", Desired: 1}, {Recurrence: "* * * * *", Desired: -1}} {
		if _, err := planSchedule(nil, []ScheduledAction{w}); err == nil || err.(*Error).Code != CodeInvalid {
			t.Errorf("planSchedule(%+v) = %v, want CodeInvalid", w, err)
		}
	}
}
