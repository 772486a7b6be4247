package awsfake

import (
	"fmt"
	"net/url"
	"strconv"
)

// actionParams reads a scheduled action's parameters, each key prefixed
// by prefix ("" for PutScheduledUpdateGroupAction,
// "ScheduledUpdateGroupActions.member.N." for the batch).
func actionParams(form url.Values, prefix string) (ScheduledAction, *APIError) {
	s := ScheduledAction{
		Name:       form.Get(prefix + "ScheduledActionName"),
		Recurrence: form.Get(prefix + "Recurrence"),
		TimeZone:   form.Get(prefix + "TimeZone"),
	}
	for key, dst := range map[string]**int{"MinSize": &s.Min, "MaxSize": &s.Max, "DesiredCapacity": &s.Desired} {
		n, ok, perr := intParam(form, prefix+key)
		if perr != nil || n < 0 {
			return s, validation("Value '%s' at '%s' failed to satisfy constraint: Member must be a non-negative integer", form.Get(prefix+key), key)
		}
		if ok {
			*dst = &n
		}
	}
	var e *APIError
	if s.Start, e = timeParam(form, prefix+"StartTime"); e != nil {
		return s, e
	}
	if s.Start.IsZero() {
		if s.Start, e = timeParam(form, prefix+"Time"); e != nil {
			return s, e
		}
	}
	if s.End, e = timeParam(form, prefix+"EndTime"); e != nil {
		return s, e
	}
	return s, nil
}

func (f *Fake) putAction(q *request) (any, *APIError) {
	s, e := actionParams(q.form, "")
	if e != nil {
		return nil, e
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return nil, f.putLocked(q.form.Get("AutoScalingGroupName"), s)
}

// batchPutActions answers BatchPutScheduledUpdateGroupAction: the valid
// actions are put, the others listed as failed.
func (f *Fake) batchPutActions(q *request) (any, *APIError) {
	name := q.form.Get("AutoScalingGroupName")
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.groups[name]; !ok {
		return nil, groupNotFound(name)
	}
	out := &batchPutResult{}
	for i := 1; ; i++ {
		prefix := "ScheduledUpdateGroupActions.member." + strconv.Itoa(i) + "."
		if _, ok := q.form[prefix+"ScheduledActionName"]; !ok {
			break
		}
		s, e := actionParams(q.form, prefix)
		if e == nil {
			e = f.putLocked(name, s)
		}
		if e != nil {
			out.Failed.M = append(out.Failed.M, failedAction{Name: s.Name, ErrorCode: e.Code, ErrorMessage: e.Message})
		}
	}
	return out, nil
}

func (f *Fake) deleteAction(q *request) (any, *APIError) {
	groupName, name := q.form.Get("AutoScalingGroupName"), q.form.Get("ScheduledActionName")
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[groupName]
	if !ok {
		return nil, groupNotFound(groupName)
	}
	if _, ok := g.actions[name]; !ok {
		return nil, validation("Scheduled Update Group Action name not found - Could not find scheduled action named %s for group %s", name, groupName)
	}
	delete(g.actions, name)
	return nil, nil
}

// describeActions answers DescribeScheduledActions: of one group or
// all, the names asked or all, by pages; StartTime (and Time) is each
// action's next run, as AWS shows it.
func (f *Fake) describeActions(q *request) (any, *APIError) {
	groupName := q.form.Get("AutoScalingGroupName")
	names := listParam(q.form, "ScheduledActionNames.member")
	max, start, e := f.pageParams(q)
	if e != nil {
		return nil, e
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var matched []*action
	for _, a := range f.sortedActions(groupName) {
		if len(names) == 0 || containsStr(names, a.Name) {
			matched = append(matched, a)
		}
	}
	out := &describeActionsResult{}
	for i := start; i < len(matched); i++ {
		if len(out.Actions.M) == max {
			out.NextToken = pageToken(i)
			break
		}
		out.Actions.M = append(out.Actions.M, f.actionOf(matched[i]))
	}
	return out, nil
}

// actionOf renders a as DescribeScheduledActions does; f.mu held.
func (f *Fake) actionOf(a *action) asgAction {
	v := f.actionView(a)
	x := asgAction{
		GroupName: a.group, Name: a.Name,
		ARN: fmt.Sprintf("arn:aws:autoscaling:%s:%s:scheduledUpdateGroupAction:%s:autoScalingGroupName/%s:scheduledActionName/%s",
			f.opts.Region, f.opts.Account, a.arnID, a.group, a.Name),
		Recurrence: a.Recurrence, TimeZone: a.TimeZone,
		MinSize: a.Min, MaxSize: a.Max, Desired: a.Desired,
	}
	if !v.Next.IsZero() {
		x.StartTime, x.Time = fmtTime(v.Next), fmtTime(v.Next)
	}
	if !a.End.IsZero() {
		x.EndTime = fmtTime(a.End)
	}
	return x
}
