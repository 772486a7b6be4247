package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

// groupTag is the tag Auto Scaling puts on the instances it launches.
const groupTag = "aws:autoscaling:groupName"

// describe: the env's two groups, side by side (each is three calls in a
// row, and gazr waits for them on every deploy).
func (c *caller) describe(ctx context.Context, _ Request) (Response, error) {
	type result struct {
		g   *Group
		err error
	}
	workers := make(chan result, 1)
	go func() {
		g, err := c.group(ctx, RoleWorkers)
		workers <- result{g, err}
	}()
	m, err := c.group(ctx, RoleManagers)
	w := <-workers
	if err != nil {
		return Response{}, err
	}
	if w.err != nil {
		return Response{}, w.err
	}
	return Response{Cluster: &Cluster{Region: c.region, Managers: *m, Workers: *w.g}}, nil
}

// selector is role's Selector of the target.
func (c *caller) selector(role string) (Selector, error) {
	switch role {
	case RoleManagers:
		return c.target.Managers, nil
	case RoleWorkers:
		return c.target.Workers, nil
	}
	return Selector{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("role %q is neither %q nor %q", role, RoleManagers, RoleWorkers)}
}

// group finds role's instances and Auto Scaling group. A search that
// finds nothing is an empty group (gazr says what was searched), but an
// Auto Scaling group named that does not exist is CodeNotFound.
func (c *caller) group(ctx context.Context, role string) (*Group, error) {
	sel, err := c.selector(role)
	if err != nil {
		return nil, err
	}
	var g *Group
	switch {
	case sel.ASG != "":
		g, err = c.groupByName(ctx, role, sel.ASG)
	case len(sel.Tags) > 0:
		g, err = c.groupByTags(ctx, sel.Tags)
	default:
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("%s: the target names neither an Auto Scaling group nor tags to find them by", role)}
	}
	if err != nil {
		return nil, err
	}
	if g.ASG != "" {
		if g.Scheduled, err = c.scheduledActions(ctx, g.ASG); err != nil {
			return nil, err
		}
	}
	sort.Slice(g.Instances, func(i, j int) bool { return g.Instances[i].ID < g.Instances[j].ID })
	return g, nil
}

func (c *caller) groupByName(ctx context.Context, role, name string) (*Group, error) {
	g := &Group{Searched: "Auto Scaling group " + name, Instances: []Instance{}}
	asg, err := c.findASG(ctx, name)
	if err != nil {
		return nil, err
	}
	if asg == nil {
		return nil, &Error{Code: CodeNotFound, Action: "autoscaling:DescribeAutoScalingGroups", Message: fmt.Sprintf(
			"%s: Auto Scaling group %q does not exist in %s", role, name, c.region)}
	}
	setSizes(g, asg)
	var ids []string
	for _, in := range asg.Instances {
		ids = append(ids, aws.ToString(in.InstanceId))
	}
	insts, err := c.instancesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	g.Instances = withLifecycle(insts, asg, true)
	return g, nil
}

func (c *caller) groupByTags(ctx context.Context, tags map[string]string) (*Group, error) {
	g := &Group{Searched: "instances tagged " + tagList(tags), Instances: []Instance{}}
	insts, err := c.instancesByTags(ctx, tags)
	if err != nil {
		return nil, err
	}
	g.Instances = insts
	name := commonGroup(insts)
	if name == "" {
		return g, nil
	}
	asg, err := c.findASG(ctx, name)
	if err != nil || asg == nil {
		// A group the tag names but Auto Scaling no longer has (being
		// deleted): the instances belong to none.
		return g, err
	}
	setSizes(g, asg)
	g.Instances = withLifecycle(insts, asg, false)
	return g, nil
}

// findASG describes the group named name, or returns nil when there is
// none.
func (c *caller) findASG(ctx context.Context, name string) (*astypes.AutoScalingGroup, error) {
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(c.asg, &autoscaling.DescribeAutoScalingGroupsInput{
		AutoScalingGroupNames: []string{name},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for i := range page.AutoScalingGroups {
			if aws.ToString(page.AutoScalingGroups[i].AutoScalingGroupName) == name {
				return &page.AutoScalingGroups[i], nil
			}
		}
	}
	return nil, nil
}

func (c *caller) scheduledActions(ctx context.Context, name string) ([]ScheduledAction, error) {
	var out []ScheduledAction
	p := autoscaling.NewDescribeScheduledActionsPaginator(c.asg, &autoscaling.DescribeScheduledActionsInput{
		AutoScalingGroupName: aws.String(name),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.ScheduledUpdateGroupActions {
			// Desired is 0 for an action that only sets min or max.
			out = append(out, ScheduledAction{
				Name:       aws.ToString(a.ScheduledActionName),
				Recurrence: aws.ToString(a.Recurrence),
				TimeZone:   aws.ToString(a.TimeZone),
				Desired:    int(aws.ToInt32(a.DesiredCapacity)),
				Next:       aws.ToTime(a.StartTime),
			})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func setSizes(g *Group, asg *astypes.AutoScalingGroup) {
	g.ASG = aws.ToString(asg.AutoScalingGroupName)
	g.Min = int(aws.ToInt32(asg.MinSize))
	g.Max = int(aws.ToInt32(asg.MaxSize))
	g.Desired = int(aws.ToInt32(asg.DesiredCapacity))
}

// withLifecycle adds the group's lifecycle states to insts and, with
// addMissing (insts are the group's own, described by id), the group's
// instances EC2 does not list yet (just launched: EC2 is eventually
// consistent) as pending. A tag search lists what it found, only.
func withLifecycle(insts []Instance, asg *astypes.AutoScalingGroup, addMissing bool) []Instance {
	seen := map[string]int{}
	for i, in := range insts {
		seen[in.ID] = i
	}
	for _, a := range asg.Instances {
		id := aws.ToString(a.InstanceId)
		i, ok := seen[id]
		if !ok && !addMissing {
			continue
		}
		if !ok {
			insts = append(insts, Instance{ID: id, State: "pending", Zone: aws.ToString(a.AvailabilityZone)})
			i = len(insts) - 1
		}
		insts[i].Lifecycle = string(a.LifecycleState)
	}
	return insts
}

// commonGroup is the Auto Scaling group all of insts belong to, or "".
func commonGroup(insts []Instance) string {
	name := ""
	for i, in := range insts {
		g := in.Tags[groupTag]
		if g == "" || i > 0 && g != name {
			return ""
		}
		name = g
	}
	return name
}

// tagList says tags as "K=V, K2=V2", sorted.
func tagList(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, ", ")
}
