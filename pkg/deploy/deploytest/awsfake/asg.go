package awsfake

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// asgOps are the Auto Scaling operations the fake serves.
var asgOps = map[string]func(*Fake, *request) (any, *APIError){
	"DescribeAutoScalingGroups":           (*Fake).describeGroups,
	"SetDesiredCapacity":                  (*Fake).setDesired,
	"TerminateInstanceInAutoScalingGroup": (*Fake).terminateInGroup,
	"PutScheduledUpdateGroupAction":       (*Fake).putAction,
	"BatchPutScheduledUpdateGroupAction":  (*Fake).batchPutActions,
	"DeleteScheduledAction":               (*Fake).deleteAction,
	"DescribeScheduledActions":            (*Fake).describeActions,
}

func groupNotFound(name string) *APIError {
	return validation("AutoScalingGroup name not found - AutoScalingGroup '%s' not found", name)
}

// pageParams reads MaxRecords (default 50, at most 100, capped by
// Options.PageSize) and NextToken.
func (f *Fake) pageParams(q *request) (max, start int, e *APIError) {
	max, ok, err := intParam(q.form, "MaxRecords")
	if !ok {
		max = 50
	}
	if err != nil || max < 1 || max > 100 {
		return 0, 0, validation("1 validation error detected: Value '%s' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100", q.form.Get("MaxRecords"))
	}
	if f.opts.PageSize > 0 && max > f.opts.PageSize {
		max = f.opts.PageSize
	}
	start, ok = readToken(q.form.Get("NextToken"))
	if !ok {
		return 0, 0, &APIError{400, "InvalidNextToken", "The token '" + q.form.Get("NextToken") + "' is invalid."}
	}
	return max, start, nil
}

// describeGroups answers DescribeAutoScalingGroups: the groups named
// (unknown names are left out, as AWS does) or all, with the tag filters
// tag:<key>, tag-key and tag-value, by pages.
func (f *Fake) describeGroups(q *request) (any, *APIError) {
	names := listParam(q.form, "AutoScalingGroupNames.member")
	max, start, e := f.pageParams(q)
	if e != nil {
		return nil, e
	}
	var filters []filter
	for i := 1; ; i++ {
		p := "Filters.member." + strconv.Itoa(i)
		name, ok := q.form[p+".Name"]
		if !ok {
			break
		}
		if n := name[0]; n != "tag-key" && n != "tag-value" && !strings.HasPrefix(n, "tag:") {
			return nil, validation("Filter type %s is not correct. Allowed Filter types are: auto-scaling-group key value propagate-at-launch tag-key tag-value tag:<key>", n)
		}
		filters = append(filters, filter{name: name[0], values: listParam(q.form, p+".Values.member")})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &describeGroupsResult{}
	var matched []*group
	for _, name := range slices.Sorted(maps.Keys(f.groups)) {
		g := f.groups[name]
		fake := &instance{Instance: Instance{Tags: g.Tags}}
		if ok, _ := matchInstance(fake, nil, filters); ok && (len(names) == 0 || containsStr(names, name)) {
			matched = append(matched, g)
		}
	}
	for i := start; i < len(matched); i++ {
		if len(out.Groups.M) == max {
			out.NextToken = pageToken(i)
			break
		}
		out.Groups.M = append(out.Groups.M, f.groupOf(matched[i]))
	}
	return out, nil
}

// setDesired answers SetDesiredCapacity: refused outside min/max, as
// AWS words it; the reconciler then acts.
func (f *Fake) setDesired(q *request) (any, *APIError) {
	name := q.form.Get("AutoScalingGroupName")
	desired, ok, err := intParam(q.form, "DesiredCapacity")
	if !ok || err != nil {
		return nil, validation("1 validation error detected: Value null at 'desiredCapacity' failed to satisfy constraint: Member must not be null")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[name]
	if !ok {
		return nil, groupNotFound(name)
	}
	if desired > g.Max {
		return nil, validation("New SetDesiredCapacity value %d is above max value %d for the AutoScalingGroup.", desired, g.Max)
	}
	if desired < g.Min {
		return nil, validation("New SetDesiredCapacity value %d is below min value %d for the AutoScalingGroup.", desired, g.Min)
	}
	g.Desired = desired
	f.kickReconciler()
	return nil, nil
}

// terminateInGroup answers TerminateInstanceInAutoScalingGroup, for
// InstanceId or InstanceIds (with AutoScalingGroupName): each instance
// is terminated; with ShouldDecrementDesiredCapacity the desired
// capacity shrinks (refused below min), else the reconciler replaces it.
func (f *Fake) terminateInGroup(q *request) (any, *APIError) {
	dec, err := strconv.ParseBool(q.form.Get("ShouldDecrementDesiredCapacity"))
	if err != nil {
		return nil, validation("1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null")
	}
	ids := listParam(q.form, "InstanceIds.member")
	if id := q.form.Get("InstanceId"); id != "" {
		ids = append([]string{id}, ids...)
	}
	if len(ids) == 0 {
		return nil, validation("Either InstanceId or InstanceIds must be specified")
	}
	f.mu.Lock()
	var gr *group
	for _, id := range ids {
		in := f.instances[id]
		if in == nil || in.Group == "" || in.Lifecycle == LifecycleTerminated || (gr != nil && gr.Name != in.Group) {
			f.mu.Unlock()
			return nil, validation("Instance Id not found - No managed instance found for instance ID: %s", id)
		}
		gr = f.groups[in.Group]
	}
	if dec && gr.Desired-len(ids) < gr.Min {
		f.mu.Unlock()
		return nil, validation("Currently, desiredSize equals minSize (%d). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.", gr.Min)
	}
	out := &terminateResult{}
	var ops []machineOp
	for _, id := range ids {
		in := f.instances[id]
		cause := fmt.Sprintf("At %s instance %s was taken out of service in response to a user request", fmtTime(f.now()), id)
		if dec {
			cause += fmt.Sprintf(", shrinking the capacity from %d to %d", gr.Desired, gr.Desired-1)
			gr.Desired--
		}
		if op, ok := f.begin(in, opTerminate, false, "taken out of service in response to a user request"); ok {
			ops = append(ops, op)
		}
		out.Activities.M = append(out.Activities.M, asgActivity{
			ActivityID: newUUID(), GroupName: gr.Name, GroupARN: f.groupARN(gr),
			Description: "Terminating EC2 instance: " + id, Cause: cause + ".",
			StartTime: fmtTime(f.now()), StatusCode: "InProgress",
			Details: fmt.Sprintf(`{"Availability Zone":%q}`, in.AZ),
		})
	}
	out.Activity = &out.Activities.M[0]
	f.mu.Unlock()
	f.run(ops, nil)
	f.kickReconciler()
	return out, nil
}
