package awsmem

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// live counts a group's instances that are not terminated.
func live(g *awsproto.Group) int {
	n := 0
	for _, in := range g.Instances {
		if in.State != "terminated" && in.State != "shutting-down" {
			n++
		}
	}
	return n
}

// setDesired launches instances up to the desired capacity (the group's
// reconciler, at once); lowering it terminates the newest ones.
func (c *Cloud) setDesired(req awsproto.Request) (awsproto.Response, []event, *awsproto.Error) {
	g := c.group(req.Role)
	if g.ASG == "" {
		return awsproto.Response{}, nil, &awsproto.Error{Code: awsproto.CodeNotFound, Message: "no Auto Scaling group for " + req.Role}
	}
	if req.Desired < g.Min || req.Desired > g.Max {
		return awsproto.Response{}, nil, &awsproto.Error{Code: awsproto.CodeOutOfRange, Action: "autoscaling:SetDesiredCapacity",
			Message: outOfRange(req.Role, g, req.Desired)}
	}
	g.Desired = req.Desired
	var events []event
	for live(g) < g.Desired {
		name := map[string]string{awsproto.RoleManagers: "SwarmManager", awsproto.RoleWorkers: "SwarmWorker"}[req.Role]
		in := c.add(req.Role, map[string]string{"Name": name, "aws:autoscaling:groupName": g.ASG})
		events = append(events, event{c.Launched, req.Role, in})
	}
	for i := len(g.Instances) - 1; i >= 0 && live(g) > g.Desired; i-- {
		if in := &g.Instances[i]; in.State != "terminated" {
			in.State = "terminated"
			events = append(events, event{c.Terminated, req.Role, *in})
		}
	}
	return awsproto.Response{Group: &awsproto.Group{ASG: g.ASG, Min: g.Min, Max: g.Max, Desired: g.Desired}}, events, nil
}

func (c *Cloud) terminate(req awsproto.Request) (awsproto.Response, []event, *awsproto.Error) {
	var events []event
	for _, id := range req.InstanceIDs {
		role, in := c.find(id)
		if in == nil {
			return awsproto.Response{}, events, &awsproto.Error{Code: awsproto.CodeNotFound, Message: "no instance " + id}
		}
		if in.State != "terminated" {
			in.State = "terminated"
			events = append(events, event{c.Terminated, role, *in})
		}
		if g := c.group(role); req.Op == awsproto.OpTerminateInGroup && req.Decrement && g.Desired > g.Min {
			g.Desired--
		}
	}
	return awsproto.Response{}, events, nil
}

func (c *Cloud) stopStart(req awsproto.Request) (awsproto.Response, []event, *awsproto.Error) {
	var events []event
	for _, id := range req.InstanceIDs {
		role, in := c.find(id)
		if in == nil || in.State == "terminated" {
			return awsproto.Response{}, events, &awsproto.Error{Code: awsproto.CodeNotFound, Message: "no instance " + id}
		}
		switch {
		case req.Op == awsproto.OpStopInstances && in.State != "stopped":
			in.State = "stopped"
			events = append(events, event{c.Stopped, role, *in})
		case req.Op == awsproto.OpStartInstances && in.State != "running":
			in.State = "running"
			events = append(events, event{c.Started, role, *in})
		}
	}
	return awsproto.Response{}, events, nil
}

// putSchedule makes req.Schedule gazr's actions on the group, keeping
// the others, and says what changed.
func (c *Cloud) putSchedule(req awsproto.Request) []string {
	g := c.group(req.Role)
	var changes []string
	var kept []awsproto.ScheduledAction
	for _, a := range g.Scheduled {
		i := slices.IndexFunc(req.Schedule, func(w awsproto.ScheduledAction) bool { return w.Name == a.Name })
		switch {
		case !strings.HasPrefix(a.Name, awsproto.ManagedPrefix):
			kept = append(kept, a)
		case i < 0:
			changes = append(changes, "deleted "+a.Name)
		default:
			kept = append(kept, a)
		}
	}
	for _, w := range req.Schedule {
		i := slices.IndexFunc(kept, func(a awsproto.ScheduledAction) bool { return a.Name == w.Name })
		switch {
		case i < 0:
			w.Next = c.now().Add(24 * time.Hour)
			kept = append(kept, w)
			changes = append(changes, fmt.Sprintf("put %s: %s %s → %d workers", w.Name, w.Recurrence, w.TimeZone, w.Desired))
		case kept[i].Recurrence != w.Recurrence || kept[i].TimeZone != w.TimeZone || kept[i].Desired != w.Desired:
			w.Next = kept[i].Next
			kept[i] = w
			changes = append(changes, fmt.Sprintf("replaced %s: %s %s → %d workers", w.Name, w.Recurrence, w.TimeZone, w.Desired))
		}
	}
	g.Scheduled = kept
	return changes
}

// outOfRange says a refused desired capacity as the gazr-aws helper does.
func outOfRange(role string, g *awsproto.Group, desired int) string {
	return fmt.Sprintf("%s group %s: desired %d is outside min %d / max %d", role, g.ASG, desired, g.Min, g.Max)
}
