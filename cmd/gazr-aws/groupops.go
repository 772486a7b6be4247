package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
)

// scalingGroup is role's group, which must be an Auto Scaling group.
func (c *caller) scalingGroup(ctx context.Context, role string) (*Group, error) {
	g, err := c.group(ctx, role)
	if err != nil {
		return nil, err
	}
	if g.ASG == "" {
		return nil, &Error{Code: CodeNotFound, Message: fmt.Sprintf(
			"%s: the %s belong to no Auto Scaling group", role, g.Searched)}
	}
	return g, nil
}

// setDesired: the group's desired capacity, checked against its min/max
// first (AWS would refuse it with a ValidationError that says less).
func (c *caller) setDesired(ctx context.Context, req Request) (Response, error) {
	g, err := c.scalingGroup(ctx, req.Role)
	if err != nil {
		return Response{}, err
	}
	if req.Desired < g.Min || req.Desired > g.Max {
		return Response{}, &Error{Code: CodeOutOfRange, Message: fmt.Sprintf(
			"%s group %s: desired %d is outside min %d / max %d", req.Role, g.ASG, req.Desired, g.Min, g.Max)}
	}
	_, err = c.asg.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{
		AutoScalingGroupName: aws.String(g.ASG),
		DesiredCapacity:      aws.Int32(int32(req.Desired)),
		HonorCooldown:        aws.Bool(false),
	})
	if err != nil {
		return Response{}, err
	}
	after, err := c.scalingGroup(ctx, req.Role)
	if err != nil {
		return Response{}, err
	}
	return Response{Group: after}, nil
}

// terminateInGroup: TerminateInstanceInAutoScalingGroup for each id, one
// change line per scaling activity.
func (c *caller) terminateInGroup(ctx context.Context, req Request) (Response, error) {
	var changes []string
	for _, id := range req.InstanceIDs {
		out, err := c.asg.TerminateInstanceInAutoScalingGroup(ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{
			InstanceId:                     aws.String(id),
			ShouldDecrementDesiredCapacity: aws.Bool(req.Decrement),
		})
		if err != nil {
			return Response{Changes: changes}, err
		}
		line := id + ": terminating"
		if out.Activity != nil && out.Activity.Description != nil {
			line = id + ": " + *out.Activity.Description
		}
		changes = append(changes, line)
	}
	return Response{Changes: changes}, nil
}
