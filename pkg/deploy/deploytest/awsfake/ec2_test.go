package awsfake_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// The element names below are those the SDK's deserializers read
// (service/ec2 deserializers.go), written here independently of the
// fake's own types so that a wrong name fails.

type tState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type tInstance struct {
	ID         string `xml:"instanceId"`
	State      tState `xml:"instanceState"`
	PrivateIP  string `xml:"privateIpAddress"`
	PublicIP   string `xml:"ipAddress"`
	AZ         string `xml:"placement>availabilityZone"`
	LaunchTime string `xml:"launchTime"`
	Tags       []struct {
		Key   string `xml:"key"`
		Value string `xml:"value"`
	} `xml:"tagSet>item"`
}

func (i tInstance) tag(k string) (string, bool) {
	for _, t := range i.Tags {
		if t.Key == k {
			return t.Value, true
		}
	}
	return "", false
}

type tDescribeInstances struct {
	RequestID    string `xml:"requestId"`
	NextToken    string `xml:"nextToken"`
	Reservations []struct {
		ID        string      `xml:"reservationId"`
		OwnerID   string      `xml:"ownerId"`
		Instances []tInstance `xml:"instancesSet>item"`
	} `xml:"reservationSet>item"`
}

func (d tDescribeInstances) instances() []tInstance {
	var out []tInstance
	for _, r := range d.Reservations {
		out = append(out, r.Instances...)
	}
	return out
}

type tStateChanges struct {
	Items []struct {
		ID       string `xml:"instanceId"`
		Current  tState `xml:"currentState"`
		Previous tState `xml:"previousState"`
	} `xml:"instancesSet>item"`
}

// describe runs DescribeInstances and returns its instances.
func describe(t *testing.T, c *client, kv ...string) tDescribeInstances {
	t.Helper()
	var d tDescribeInstances
	decodeXML(t, ok(t, c.ec2("DescribeInstances", kv...)), &d)
	if d.RequestID == "" {
		t.Error("no requestId")
	}
	return d
}

func ids(l []tInstance) []string {
	var out []string
	for _, i := range l {
		out = append(out, i.ID)
	}
	return out
}

// adoptN adopts n running instances outside any group, tagged
// Name=<name> and Role=<i%2>.
func adoptN(t *testing.T, f *awsfake.Fake, n int, name string) []string {
	var out []string
	for i := range n {
		in, err := f.AddInstance("", awsfake.Adopt{PrivateIP: fmt.Sprintf("10.1.0.%d", i+1), Tags: map[string]string{"Name": name, "Role": strconv.Itoa(i % 2)}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, in.ID)
	}
	return out
}

func TestDescribeInstancesFilters(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	mgr := adoptN(t, f, 3, "SwarmManager-staging")
	wrk := adoptN(t, f, 2, "SwarmWorker-staging")
	ok(t, c.ec2("StopInstances", "InstanceId.1", mgr[2]))
	tests := []struct {
		name string
		kv   []string
		want []string
	}{
		{"all", nil, append(slices.Clone(mgr), wrk...)},
		{"tag", []string{"Filter.1.Name", "tag:Name", "Filter.1.Value.1", "SwarmManager-staging"}, mgr},
		{"tag wildcard", []string{"Filter.1.Name", "tag:Name", "Filter.1.Value.1", "Swarm*-stag?ng"}, append(slices.Clone(mgr), wrk...)},
		{"tag and state", []string{"Filter.1.Name", "tag:Name", "Filter.1.Value.1", "SwarmManager-staging",
			"Filter.2.Name", "instance-state-name", "Filter.2.Value.1", "running"}, mgr[:2]},
		{"state values or", []string{"Filter.1.Name", "instance-state-name", "Filter.1.Value.1", "stopped", "Filter.1.Value.2", "pending"}, mgr[2:]},
		{"tag-key", []string{"Filter.1.Name", "tag-key", "Filter.1.Value.1", "Role"}, append(slices.Clone(mgr), wrk...)},
		{"tag-key none", []string{"Filter.1.Name", "tag-key", "Filter.1.Value.1", "Init"}, nil},
		{"instance-id", []string{"Filter.1.Name", "instance-id", "Filter.1.Value.1", wrk[1]}, wrk[1:]},
		{"InstanceIds", []string{"InstanceId.1", mgr[1], "InstanceId.2", wrk[0]}, []string{mgr[1], wrk[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(describe(t, c, tt.kv...).instances())
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	d := describe(t, c, "InstanceId.1", mgr[0])
	in := d.instances()[0]
	if in.State != (tState{16, "running"}) || in.PrivateIP != "10.1.0.1" || in.AZ != "us-east-1a" || d.Reservations[0].OwnerID != "123456789012" {
		t.Errorf("instance %+v, reservation %+v", in, d.Reservations[0])
	}
	if v, _ := in.tag("Name"); v != "SwarmManager-staging" {
		t.Errorf("tags %+v", in.Tags)
	}
	sdkTime(t, in.LaunchTime)
}

func TestDescribeInstancesErrors(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	id := adoptN(t, f, 1, "x")[0]
	wantError(t, "ec2", c.ec2("DescribeInstances", "InstanceId.1", id, "InstanceId.2", "i-0123456789abcdef0"), 400, "InvalidInstanceID.NotFound", "i-0123456789abcdef0")
	wantError(t, "ec2", c.ec2("DescribeInstances", "InstanceId.1", "nope"), 400, "InvalidInstanceID.Malformed")
	wantError(t, "ec2", c.ec2("DescribeInstances", "InstanceId.1", id, "MaxResults", "5"), 400, "InvalidParameterCombination")
	wantError(t, "ec2", c.ec2("DescribeInstances", "MaxResults", "4"), 400, "InvalidParameterValue", "maxResults")
	wantError(t, "ec2", c.ec2("DescribeInstances", "Filter.1.Name", "flavour", "Filter.1.Value.1", "x"), 400, "InvalidParameterValue", "flavour")
	wantError(t, "ec2", c.ec2("RunInstances"), 400, "InvalidAction")
}

func TestDescribeInstancesPages(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	all := adoptN(t, f, 12, "w")
	var got []string
	token, pages := "", 0
	for {
		kv := []string{"MaxResults", "5", "Filter.1.Name", "tag:Name", "Filter.1.Value.1", "w"}
		if token != "" {
			kv = append(kv, "NextToken", token)
		}
		d := describe(t, c, kv...)
		pages++
		if n := len(d.instances()); n > 5 {
			t.Fatalf("page of %d", n)
		}
		got = append(got, ids(d.instances())...)
		if token = d.NextToken; token == "" {
			break
		}
	}
	if pages != 3 || !slices.Equal(got, all) {
		t.Errorf("%d pages: %v, want 3: %v", pages, got, all)
	}
}

// TestPageSize: Options.PageSize pages a search that asks for no page
// size and caps one that asks for more; a search by id is never paged.
func TestPageSize(t *testing.T) {
	f, c := start(t, awsfake.Options{PageSize: 5})
	all := adoptN(t, f, 7, "w")
	for _, kv := range [][]string{{}, {"MaxResults", "1000"}} {
		d := describe(t, c, kv...)
		if len(d.instances()) != 5 || d.NextToken == "" {
			t.Errorf("%v: a page of %d, token %q; want 5 and a token", kv, len(d.instances()), d.NextToken)
		}
	}
	kv := []string{}
	for i, id := range all {
		kv = append(kv, fmt.Sprintf("InstanceId.%d", i+1), id)
	}
	if d := describe(t, c, kv...); len(d.instances()) != 7 || d.NextToken != "" {
		t.Errorf("by id: %d, token %q; want all 7 at once", len(d.instances()), d.NextToken)
	}
}

func TestStopStartTerminate(t *testing.T) {
	clk := awsfake.NewClock(time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC))
	f, c := start(t, awsfake.Options{Now: clk.Now})
	id := adoptN(t, f, 1, "x")[0]
	step := func(action string, prev, cur string, final string) {
		t.Helper()
		var r tStateChanges
		decodeXML(t, ok(t, c.ec2(action, "InstanceId.1", id, "Force", "true")), &r)
		if len(r.Items) != 1 || r.Items[0].ID != id || r.Items[0].Previous.Name != prev || r.Items[0].Current.Name != cur {
			t.Fatalf("%s: %+v, want %s → %s", action, r.Items, prev, cur)
		}
		if got := describe(t, c).instances()[0].State.Name; got != final {
			t.Fatalf("after %s: %s, want %s", action, got, final)
		}
	}
	step("StopInstances", "running", "stopping", "stopped")
	step("StopInstances", "stopped", "stopped", "stopped")
	step("StartInstances", "stopped", "pending", "running")
	wantError(t, "ec2", c.ec2("StartInstances", "InstanceId.1", "i-0123456789abcdef0"), 400, "InvalidInstanceID.NotFound")
	step("TerminateInstances", "running", "shutting-down", "terminated")
	wantError(t, "ec2", c.ec2("StartInstances", "InstanceId.1", id), 400, "IncorrectInstanceState", id)
	clk.Advance(59 * time.Minute)
	if n := len(describe(t, c).instances()); n != 1 {
		t.Fatalf("a terminated instance is listed for an hour: %d", n)
	}
	clk.Advance(2 * time.Minute)
	if n := len(describe(t, c).instances()); n != 0 {
		t.Fatalf("an hour after, %d instances listed", n)
	}
}

func TestTags(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	id := adoptN(t, f, 1, "x")[0]
	ok(t, c.ec2("CreateTags", "ResourceId.1", id, "Tag.1.Key", "Init", "Tag.1.Value", "true", "Tag.2.Key", "Hostname", "Tag.2.Value", "node-1"))
	in, _ := f.Instance(id)
	if in.Tags["Init"] != "true" || in.Tags["Hostname"] != "node-1" {
		t.Fatalf("tags %v", in.Tags)
	}
	d := describe(t, c, "Filter.1.Name", "tag:Init", "Filter.1.Value.1", "true")
	if len(d.instances()) != 1 {
		t.Fatal("CreateTags' tag does not filter")
	}
	ok(t, c.ec2("DeleteTags", "ResourceId.1", id, "Tag.1.Key", "Init", "Tag.1.Value", "false"))
	if in, _ := f.Instance(id); in.Tags["Init"] != "true" {
		t.Fatal("DeleteTags removed a tag whose value did not match")
	}
	ok(t, c.ec2("DeleteTags", "ResourceId.1", id, "Tag.1.Key", "Init"))
	if in, _ := f.Instance(id); in.Tags["Init"] != "" {
		t.Fatal("DeleteTags kept the tag")
	}
	var tags struct {
		Items []struct {
			ResourceID   string `xml:"resourceId"`
			ResourceType string `xml:"resourceType"`
			Key          string `xml:"key"`
			Value        string `xml:"value"`
		} `xml:"tagSet>item"`
	}
	decodeXML(t, ok(t, c.ec2("DescribeTags", "Filter.1.Name", "key", "Filter.1.Value.1", "Hostname")), &tags)
	if len(tags.Items) != 1 || tags.Items[0].ResourceID != id || tags.Items[0].ResourceType != "instance" || tags.Items[0].Value != "node-1" {
		t.Fatalf("DescribeTags: %+v", tags.Items)
	}
	wantError(t, "ec2", c.ec2("CreateTags", "ResourceId.1", "i-0123456789abcdef0", "Tag.1.Key", "a", "Tag.1.Value", "b"), 400, "InvalidInstanceID.NotFound")
	wantError(t, "ec2", c.ec2("CreateTags", "ResourceId.1", id, "Tag.1.Key", "aws:x", "Tag.1.Value", "b"), 400, "InvalidParameterValue", "aws:")
}
