package awsfake_test

import (
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

type tActions struct {
	Actions []struct {
		Group      string `xml:"AutoScalingGroupName"`
		Name       string `xml:"ScheduledActionName"`
		ARN        string `xml:"ScheduledActionARN"`
		Recurrence string `xml:"Recurrence"`
		TimeZone   string `xml:"TimeZone"`
		StartTime  string `xml:"StartTime"`
		Time       string `xml:"Time"`
		Desired    *int   `xml:"DesiredCapacity"`
		Min        *int   `xml:"MinSize"`
	} `xml:"DescribeScheduledActionsResult>ScheduledUpdateGroupActions>member"`
}

func actions(t *testing.T, c *client, kv ...string) tActions {
	t.Helper()
	var a tActions
	decodeXML(t, ok(t, c.asg("DescribeScheduledActions", kv...)), &a)
	return a
}

// TestScheduledActionFiresOnTheClock puts "25 workers at 07:00 Paris time
// on weekdays, 3 at 22:00" and moves the clock across 07:00 Paris
// (06:00 UTC in December): the group grows, the reconciler launches.
func TestScheduledActionFiresOnTheClock(t *testing.T) {
	// Monday 7 December 2026, 06:30 in Paris.
	clk := awsfake.NewClock(time.Date(2026, 12, 7, 5, 30, 0, 0, time.UTC))
	f, c := start(t, awsfake.Options{Now: clk.Now})
	workers(t, f, 1, 30, 3)
	ok(t, c.asg("PutScheduledUpdateGroupAction", "AutoScalingGroupName", wg, "ScheduledActionName", "gazr-day",
		"Recurrence", "0 7 * * 1-5", "TimeZone", "Europe/Paris", "DesiredCapacity", "25"))
	ok(t, c.asg("PutScheduledUpdateGroupAction", "AutoScalingGroupName", wg, "ScheduledActionName", "gazr-night",
		"Recurrence", "0 22 * * *", "TimeZone", "Europe/Paris", "DesiredCapacity", "3"))

	a := actions(t, c, "AutoScalingGroupName", wg)
	if len(a.Actions) != 2 || a.Actions[0].Name != "gazr-day" || a.Actions[0].Recurrence != "0 7 * * 1-5" ||
		a.Actions[0].TimeZone != "Europe/Paris" || a.Actions[0].Desired == nil || *a.Actions[0].Desired != 25 ||
		a.Actions[0].Min != nil || a.Actions[0].ARN == "" || a.Actions[0].Group != wg {
		t.Fatalf("actions %+v", a.Actions)
	}
	if next := sdkTime(t, a.Actions[0].StartTime); !next.Equal(time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("gazr-day next start %s, want 06:00 UTC", next)
	}
	if next := sdkTime(t, a.Actions[1].StartTime); !next.Equal(time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)) {
		t.Errorf("gazr-night next start %s, want 21:00 UTC", next)
	}

	clk.Advance(29 * time.Minute) // 06:59 Paris
	if g := group(t, c, wg); g.Desired != 3 {
		t.Fatalf("desired %d before 07:00", g.Desired)
	}
	clk.Advance(2 * time.Minute) // 07:01 Paris
	if g := group(t, c, wg); g.Desired != 25 {
		t.Fatalf("desired %d after 07:00 Paris", g.Desired)
	}
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	if g := group(t, c, wg); len(g.Instances) != 25 {
		t.Fatalf("%d instances after the reconciler", len(g.Instances))
	}
	if next := sdkTime(t, actions(t, c, "ScheduledActionNames.member.1", "gazr-day").Actions[0].StartTime); !next.Equal(time.Date(2026, 12, 8, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("after running, next start %s, want Tuesday 06:00 UTC", next)
	}

	// Saturday morning: the night action ran on Friday, the day one does not.
	clk.Set(time.Date(2026, 12, 12, 9, 0, 0, 0, time.UTC))
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	if g := group(t, c, wg); g.Desired != 3 || len(g.Instances) != 3 {
		t.Fatalf("Saturday: desired %d, %d instances; want 3", g.Desired, len(g.Instances))
	}
}

func TestScheduledActionOneTimeAndFire(t *testing.T) {
	clk := awsfake.NewClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	f, c := start(t, awsfake.Options{Now: clk.Now})
	workers(t, f, 1, 10, 2)
	ok(t, c.asg("PutScheduledUpdateGroupAction", "AutoScalingGroupName", wg, "ScheduledActionName", "once",
		"StartTime", "2026-12-07T11:00:00Z", "MinSize", "4", "MaxSize", "8"))
	clk.Advance(time.Hour)
	if g := group(t, c, wg); g.Min != 4 || g.Max != 8 || g.Desired != 4 {
		t.Fatalf("after the one-time action: min %d max %d desired %d, want 4 8 4 (desired raised to min)", g.Min, g.Max, g.Desired)
	}
	if n := len(actions(t, c).Actions); n != 0 {
		t.Errorf("%d actions left: a one-time action is deleted once run", n)
	}

	ok(t, c.asg("PutScheduledUpdateGroupAction", "AutoScalingGroupName", wg, "ScheduledActionName", "gazr-burst",
		"Recurrence", "0 3 1 1 *", "DesiredCapacity", "7"))
	if err := f.Fire(wg, "gazr-burst"); err != nil {
		t.Fatal(err)
	}
	if g, _ := f.Group(wg); g.Desired != 7 || len(g.Scheduled) != 1 {
		t.Fatalf("after Fire: %+v", g)
	}
	ok(t, c.asg("DeleteScheduledAction", "AutoScalingGroupName", wg, "ScheduledActionName", "gazr-burst"))
	wantError(t, "autoscaling", c.asg("DeleteScheduledAction", "AutoScalingGroupName", wg, "ScheduledActionName", "gazr-burst"), 400, "ValidationError")
}

func TestScheduledActionRefusals(t *testing.T) {
	clk := awsfake.NewClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	f, c := start(t, awsfake.Options{Now: clk.Now})
	workers(t, f, 1, 10, 2)
	put := func(kv ...string) answer {
		return c.asg("PutScheduledUpdateGroupAction", append([]string{"AutoScalingGroupName", wg, "ScheduledActionName", "x"}, kv...)...)
	}
	wantError(t, "autoscaling", put("Recurrence", "0 7 * *", "DesiredCapacity", "2"), 400, "ValidationError", "recurrence")
	wantError(t, "autoscaling", put("Recurrence", "0 7 * * *", "TimeZone", "Mars/Olympus", "DesiredCapacity", "2"), 400, "ValidationError", "time zone")
	wantError(t, "autoscaling", put("Recurrence", "0 7 * * *"), 400, "ValidationError", "At least one of")
	wantError(t, "autoscaling", put("StartTime", "2026-12-07T09:00:00Z", "DesiredCapacity", "2"), 400, "ValidationError", "past")
	wantError(t, "autoscaling", c.asg("PutScheduledUpdateGroupAction", "AutoScalingGroupName", "nope", "ScheduledActionName", "x",
		"Recurrence", "0 7 * * *", "DesiredCapacity", "2"), 400, "ValidationError", "not found")

	var r struct {
		Failed []struct {
			Name string `xml:"ScheduledActionName"`
			Code string `xml:"ErrorCode"`
		} `xml:"BatchPutScheduledUpdateGroupActionResult>FailedScheduledUpdateGroupActions>member"`
	}
	decodeXML(t, ok(t, c.asg("BatchPutScheduledUpdateGroupAction", "AutoScalingGroupName", wg,
		"ScheduledUpdateGroupActions.member.1.ScheduledActionName", "good",
		"ScheduledUpdateGroupActions.member.1.Recurrence", "0 7 * * *",
		"ScheduledUpdateGroupActions.member.1.DesiredCapacity", "5",
		"ScheduledUpdateGroupActions.member.2.ScheduledActionName", "bad",
		"ScheduledUpdateGroupActions.member.2.Recurrence", "70 7 * * *",
		"ScheduledUpdateGroupActions.member.2.DesiredCapacity", "5")), &r)
	if len(r.Failed) != 1 || r.Failed[0].Name != "bad" || r.Failed[0].Code != "ValidationError" {
		t.Fatalf("failed %+v", r.Failed)
	}
	if a := actions(t, c).Actions; len(a) != 1 || a[0].Name != "good" {
		t.Fatalf("actions %+v", a)
	}
}
