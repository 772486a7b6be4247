package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// liveStates are the states a tag search lists: all but terminated.
var liveStates = []string{"pending", "running", "stopping", "stopped", "shutting-down"}

// instancesByID describes ids. An id EC2 does not know (yet, or any more)
// fails DescribeInstances as a whole; a search by the instance-id filter
// then lists the others.
func (c *caller) instancesByID(ctx context.Context, ids []string) ([]Instance, error) {
	if len(ids) == 0 {
		return []Instance{}, nil
	}
	insts, err := c.describeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids})
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "InvalidInstanceID.NotFound" {
		return c.describeInstances(ctx, &ec2.DescribeInstancesInput{
			Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: ids}},
		})
	}
	return insts, err
}

// instancesByTags lists the instances with every one of tags, in any
// state but terminated.
func (c *caller) instancesByTags(ctx context.Context, tags map[string]string) ([]Instance, error) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	filters := make([]ec2types.Filter, 0, len(keys)+1)
	for _, k := range keys {
		filters = append(filters, ec2types.Filter{Name: aws.String("tag:" + k), Values: []string{tags[k]}})
	}
	filters = append(filters, ec2types.Filter{Name: aws.String("instance-state-name"), Values: liveStates})
	return c.describeInstances(ctx, &ec2.DescribeInstancesInput{Filters: filters})
}

func (c *caller) describeInstances(ctx context.Context, in *ec2.DescribeInstancesInput) ([]Instance, error) {
	out := []Instance{}
	p := ec2.NewDescribeInstancesPaginator(c.ec2, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				out = append(out, instance(i))
			}
		}
	}
	return out, nil
}

func instance(i ec2types.Instance) Instance {
	in := Instance{
		ID:         aws.ToString(i.InstanceId),
		PrivateIP:  aws.ToString(i.PrivateIpAddress),
		PublicIP:   aws.ToString(i.PublicIpAddress),
		LaunchTime: aws.ToTime(i.LaunchTime),
	}
	if i.State != nil {
		in.State = string(i.State.Name)
	}
	if i.Placement != nil {
		in.Zone = aws.ToString(i.Placement.AvailabilityZone)
	}
	if len(i.Tags) > 0 {
		in.Tags = make(map[string]string, len(i.Tags))
		for _, t := range i.Tags {
			in.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return in
}

// stopInstances: EC2 StopInstances, forced when the request says so.
func (c *caller) stopInstances(ctx context.Context, req Request) (Response, error) {
	out, err := c.ec2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: req.InstanceIDs, Force: aws.Bool(req.Force)})
	if err != nil {
		return Response{}, err
	}
	return Response{Changes: stateChanges(out.StoppingInstances)}, nil
}

// startInstances: EC2 StartInstances.
func (c *caller) startInstances(ctx context.Context, req Request) (Response, error) {
	out, err := c.ec2.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: req.InstanceIDs})
	if err != nil {
		return Response{}, err
	}
	return Response{Changes: stateChanges(out.StartingInstances)}, nil
}

// terminateInstances: EC2 TerminateInstances.
func (c *caller) terminateInstances(ctx context.Context, req Request) (Response, error) {
	out, err := c.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: req.InstanceIDs})
	if err != nil {
		return Response{}, err
	}
	return Response{Changes: stateChanges(out.TerminatingInstances)}, nil
}

// stateChanges says each instance's transition: "i-0abc: running → stopping".
func stateChanges(changes []ec2types.InstanceStateChange) []string {
	var out []string
	for _, ch := range changes {
		var from, to string
		if ch.PreviousState != nil {
			from = string(ch.PreviousState.Name)
		}
		if ch.CurrentState != nil {
			to = string(ch.CurrentState.Name)
		}
		out = append(out, fmt.Sprintf("%s: %s → %s", aws.ToString(ch.InstanceId), from, to))
	}
	return out
}
