package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
)

// What a schedule change does.
const (
	schedulePut     = "put"
	scheduleReplace = "replace"
	scheduleDelete  = "delete"
)

// scheduleChange is one step from the group's scheduled actions to the
// wanted ones.
type scheduleChange struct {
	kind   string
	action ScheduledAction
	was    ScheduledAction // replace: the action as it is
}

func (ch scheduleChange) String() string {
	switch ch.kind {
	case scheduleReplace:
		return fmt.Sprintf("replace %s: %s (was %s)", ch.action.Name, describeAction(ch.action), describeAction(ch.was))
	default:
		return fmt.Sprintf("%s %s: %s", ch.kind, ch.action.Name, describeAction(ch.action))
	}
}

// describeAction: "desired 3 at 0 8 * * 1-5 (Europe/Paris)".
func describeAction(a ScheduledAction) string {
	tz := a.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	return fmt.Sprintf("desired %d at %s (%s)", a.Desired, a.Recurrence, tz)
}

// managedName names the i-th (from 0) wanted action from its content, so
// that the same schedule always has the same names and a changed entry a
// new one: gazr-<i+1>-<8 hex digits of sha256(recurrence, zone, desired)>.
func managedName(i int, a ScheduledAction) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", a.Recurrence, a.TimeZone, a.Desired))
	return fmt.Sprintf("%s%d-%s", ManagedPrefix, i+1, hex.EncodeToString(sum[:4]))
}

// planSchedule is what turns current (the group's actions) into wanted
// (names ignored: gazr's are managedName's): puts of missing actions,
// replaces of gazr-named ones that differ (edited by hand), then deletes
// of gazr's actions no longer wanted. Actions of other names are kept.
// Nothing when wanted is already in force.
func planSchedule(current, wanted []ScheduledAction) ([]scheduleChange, error) {
	have := map[string]ScheduledAction{}
	for _, a := range current {
		have[a.Name] = a
	}
	var changes []scheduleChange
	keep := map[string]bool{}
	for i, w := range wanted {
		if strings.TrimSpace(w.Recurrence) == "" {
			return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("put-schedule: entry %d has no recurrence (cron expression)", i+1)}
		}
		if w.Desired < 0 {
			return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("put-schedule: entry %d wants desired %d", i+1, w.Desired)}
		}
		w = ScheduledAction{Name: managedName(i, w), Recurrence: w.Recurrence, TimeZone: w.TimeZone, Desired: w.Desired}
		keep[w.Name] = true
		cur, ok := have[w.Name]
		switch {
		case !ok:
			changes = append(changes, scheduleChange{kind: schedulePut, action: w})
		case cur.Recurrence != w.Recurrence || cur.TimeZone != w.TimeZone || cur.Desired != w.Desired:
			changes = append(changes, scheduleChange{kind: scheduleReplace, action: w, was: cur})
		}
	}
	for _, a := range current {
		if strings.HasPrefix(a.Name, ManagedPrefix) && !keep[a.Name] {
			changes = append(changes, scheduleChange{kind: scheduleDelete, action: a})
		}
	}
	return changes, nil
}

// putSchedule: the wanted schedule in force on the role's group; puts
// come before deletes, so the group is never without one.
func (c *caller) putSchedule(ctx context.Context, req Request) (Response, error) {
	g, err := c.scalingGroup(ctx, req.Role)
	if err != nil {
		return Response{}, err
	}
	plan, err := planSchedule(g.Scheduled, req.Schedule)
	if err != nil {
		return Response{}, err
	}
	var done []string
	for _, ch := range plan {
		if ch.kind == scheduleDelete {
			_, err = c.asg.DeleteScheduledAction(ctx, &autoscaling.DeleteScheduledActionInput{
				AutoScalingGroupName: aws.String(g.ASG),
				ScheduledActionName:  aws.String(ch.action.Name),
			})
		} else {
			in := &autoscaling.PutScheduledUpdateGroupActionInput{
				AutoScalingGroupName: aws.String(g.ASG),
				ScheduledActionName:  aws.String(ch.action.Name),
				Recurrence:           aws.String(ch.action.Recurrence),
				DesiredCapacity:      aws.Int32(int32(ch.action.Desired)),
			}
			if ch.action.TimeZone != "" {
				in.TimeZone = aws.String(ch.action.TimeZone)
			}
			_, err = c.asg.PutScheduledUpdateGroupAction(ctx, in)
		}
		if err != nil {
			return Response{Changes: done}, err
		}
		done = append(done, ch.String())
	}
	return Response{Changes: done}, nil
}
