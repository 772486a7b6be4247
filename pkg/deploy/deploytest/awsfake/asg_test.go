package awsfake_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// Element names as smithy's awsquery reads Auto Scaling's answers: the
// <Op>Result element, then the output shape's members; lists wrapped in
// <member>.

type tGroup struct {
	Name      string           `xml:"AutoScalingGroupName"`
	ARN       string           `xml:"AutoScalingGroupARN"`
	Min       int              `xml:"MinSize"`
	Max       int              `xml:"MaxSize"`
	Desired   int              `xml:"DesiredCapacity"`
	AZs       []string         `xml:"AvailabilityZones>member"`
	Created   string           `xml:"CreatedTime"`
	Instances []tGroupInstance `xml:"Instances>member"`
	Tags      []struct {
		Key       string `xml:"Key"`
		Value     string `xml:"Value"`
		Propagate bool   `xml:"PropagateAtLaunch"`
	} `xml:"Tags>member"`
}

type tGroupInstance struct {
	ID        string `xml:"InstanceId"`
	AZ        string `xml:"AvailabilityZone"`
	Lifecycle string `xml:"LifecycleState"`
	Health    string `xml:"HealthStatus"`
}

type tDescribeGroups struct {
	Groups    []tGroup `xml:"DescribeAutoScalingGroupsResult>AutoScalingGroups>member"`
	NextToken string   `xml:"DescribeAutoScalingGroupsResult>NextToken"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// group describes one group over the wire.
func group(t *testing.T, c *client, name string) tGroup {
	t.Helper()
	var d tDescribeGroups
	decodeXML(t, ok(t, c.asg("DescribeAutoScalingGroups", "AutoScalingGroupNames.member.1", name)), &d)
	if len(d.Groups) != 1 || d.RequestID == "" {
		t.Fatalf("DescribeAutoScalingGroups %s: %+v", name, d)
	}
	return d.Groups[0]
}

func lifecycles(g tGroup) map[string]int {
	out := map[string]int{}
	for _, in := range g.Instances {
		out[in.Lifecycle]++
	}
	return out
}

func workers(t *testing.T, f *awsfake.Fake, min, max, desired int) {
	t.Helper()
	err := f.AddGroup(awsfake.GroupSpec{Name: "swarm-worker-staging-asg", Min: min, Max: max, Desired: desired,
		Tags: map[string]string{"Name": "SwarmWorker-staging"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
}

const wg = "swarm-worker-staging-asg"

func TestReconcilerScalesOutAndIn(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	workers(t, f, 1, 5, 2)
	g := group(t, c, wg)
	if g.Desired != 2 || g.Min != 1 || g.Max != 5 || len(g.Instances) != 2 || lifecycles(g)["InService"] != 2 {
		t.Fatalf("group %+v", g)
	}
	if g.Instances[0].AZ == g.Instances[1].AZ {
		t.Errorf("both instances in %s: want them spread over the zones %v", g.Instances[0].AZ, g.AZs)
	}
	sdkTime(t, g.Created)
	if len(g.Tags) != 1 || g.Tags[0].Key != "Name" || !g.Tags[0].Propagate {
		t.Errorf("tags %+v", g.Tags)
	}
	in := describe(t, c, "InstanceId.1", g.Instances[0].ID).instances()[0]
	if v, _ := in.tag("Name"); v != "SwarmWorker-staging" {
		t.Errorf("Name not propagated: %+v", in.Tags)
	}
	if v, _ := in.tag("aws:autoscaling:groupName"); v != wg {
		t.Errorf("aws:autoscaling:groupName missing: %+v", in.Tags)
	}
	if in.State.Name != "running" || in.PrivateIP == "" {
		t.Errorf("launched instance %+v", in)
	}

	ok(t, c.asg("SetDesiredCapacity", "AutoScalingGroupName", wg, "DesiredCapacity", "4"))
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	g4 := group(t, c, wg)
	if len(g4.Instances) != 4 || g4.Desired != 4 {
		t.Fatalf("after scale out: %+v", g4)
	}
	newest := []string{g4.Instances[2].ID, g4.Instances[3].ID}

	ok(t, c.asg("SetDesiredCapacity", "AutoScalingGroupName", wg, "DesiredCapacity", "2"))
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	g2 := group(t, c, wg)
	if len(g2.Instances) != 2 || g2.Instances[0].ID != g.Instances[0].ID || g2.Instances[1].ID != g.Instances[1].ID {
		t.Fatalf("after scale in, want the 2 oldest kept: %+v", g2.Instances)
	}
	for _, id := range newest {
		if in, _ := f.Instance(id); in.State != awsfake.StateTerminated || in.Lifecycle != awsfake.LifecycleTerminated {
			t.Errorf("newest %s: %s/%s, want terminated", id, in.State, in.Lifecycle)
		}
	}
}

func TestSetDesiredCapacityRefusals(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	workers(t, f, 1, 5, 2)
	wantError(t, "autoscaling", c.asg("SetDesiredCapacity", "AutoScalingGroupName", wg, "DesiredCapacity", "6"),
		400, "ValidationError", "New SetDesiredCapacity value 6 is above max value 5")
	wantError(t, "autoscaling", c.asg("SetDesiredCapacity", "AutoScalingGroupName", wg, "DesiredCapacity", "0"),
		400, "ValidationError", "below min value 1")
	wantError(t, "autoscaling", c.asg("SetDesiredCapacity", "AutoScalingGroupName", "nope", "DesiredCapacity", "1"),
		400, "ValidationError", "not found")
	if g, _ := f.Group(wg); g.Desired != 2 {
		t.Errorf("desired %d after refusals", g.Desired)
	}
	wantError(t, "autoscaling", c.asg("UpdateAutoScalingGroup"), 400, "InvalidAction")
}

func TestDescribeGroupsPagesAndNames(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	var names []string
	for _, n := range []string{"a", "b", "c"} {
		if err := f.AddGroup(awsfake.GroupSpec{Name: n, Max: 1}); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	var got []string
	token := ""
	for range 5 {
		kv := []string{"MaxRecords", "2"}
		if token != "" {
			kv = append(kv, "NextToken", token)
		}
		var d tDescribeGroups
		decodeXML(t, ok(t, c.asg("DescribeAutoScalingGroups", kv...)), &d)
		for _, g := range d.Groups {
			got = append(got, g.Name)
		}
		if token = d.NextToken; token == "" {
			break
		}
	}
	if !slices.Equal(got, names) {
		t.Errorf("pages gave %v", got)
	}
	var d tDescribeGroups
	decodeXML(t, ok(t, c.asg("DescribeAutoScalingGroups", "AutoScalingGroupNames.member.1", "b", "AutoScalingGroupNames.member.2", "zz")), &d)
	if len(d.Groups) != 1 || d.Groups[0].Name != "b" {
		t.Errorf("names b, zz: %+v (an unknown name is left out)", d.Groups)
	}
}

type tTerminate struct {
	Activity struct {
		ID          string `xml:"ActivityId"`
		Group       string `xml:"AutoScalingGroupName"`
		Description string `xml:"Description"`
		Cause       string `xml:"Cause"`
		StartTime   string `xml:"StartTime"`
		StatusCode  string `xml:"StatusCode"`
	} `xml:"TerminateInstanceInAutoScalingGroupResult>Activity"`
	Activities []struct {
		ID string `xml:"ActivityId"`
	} `xml:"TerminateInstanceInAutoScalingGroupResult>Activities>member"`
}

func TestTerminateInstanceInGroup(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	workers(t, f, 1, 5, 3)
	g := group(t, c, wg)
	victim := g.Instances[0].ID

	var r tTerminate
	decodeXML(t, ok(t, c.asg("TerminateInstanceInAutoScalingGroup", "InstanceId", victim, "ShouldDecrementDesiredCapacity", "true")), &r)
	a := r.Activity
	if a.ID == "" || a.Group != wg || a.StatusCode != "InProgress" || len(r.Activities) != 1 ||
		a.Description != "Terminating EC2 instance: "+victim || !strings.Contains(a.Cause, "shrinking the capacity from 3 to 2") {
		t.Fatalf("activity %+v", r)
	}
	sdkTime(t, a.StartTime)
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	g = group(t, c, wg)
	if g.Desired != 2 || len(g.Instances) != 2 || slices.ContainsFunc(g.Instances, func(i tGroupInstance) bool { return i.ID == victim }) {
		t.Fatalf("after decrementing termination: %+v", g)
	}
	if st := describe(t, c, "InstanceId.1", victim).instances()[0].State.Name; st != "terminated" {
		t.Errorf("victim %s", st)
	}

	// Without decrement, the group replaces it.
	ok(t, c.asg("TerminateInstanceInAutoScalingGroup", "InstanceId", g.Instances[0].ID, "ShouldDecrementDesiredCapacity", "false"))
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	g2 := group(t, c, wg)
	if g2.Desired != 2 || len(g2.Instances) != 2 || g2.Instances[0].ID == g.Instances[0].ID {
		t.Fatalf("not replaced: %+v", g2)
	}

	ok(t, c.asg("SetDesiredCapacity", "AutoScalingGroupName", wg, "DesiredCapacity", "1"))
	_ = f.Reconcile(t.Context())
	wantError(t, "autoscaling", c.asg("TerminateInstanceInAutoScalingGroup", "InstanceId", group(t, c, wg).Instances[0].ID, "ShouldDecrementDesiredCapacity", "true"),
		400, "ValidationError", "min size")
	wantError(t, "autoscaling", c.asg("TerminateInstanceInAutoScalingGroup", "InstanceId", victim, "ShouldDecrementDesiredCapacity", "true"),
		400, "ValidationError", "No managed instance found for instance ID: "+victim)
}
