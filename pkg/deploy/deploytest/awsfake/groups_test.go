package awsfake_test

import (
	"errors"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

func TestEC2TerminateOfGroupInstanceIsReplaced(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	workers(t, f, 1, 5, 2)
	id := group(t, c, wg).Instances[1].ID
	ok(t, c.ec2("TerminateInstances", "InstanceId.1", id))
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	g := group(t, c, wg)
	if len(g.Instances) != 2 || g.Instances[0].ID == id || g.Instances[1].ID == id {
		t.Fatalf("want a replacement: %+v", g.Instances)
	}
}

func TestAddInstanceAttaches(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	err := f.AddGroup(awsfake.GroupSpec{Name: "m", Min: 1, Max: 3, Desired: 1, Tags: map[string]string{"Name": "SwarmManager-x"},
		Instances: []awsfake.Adopt{{PrivateIP: "172.20.0.2", Tags: map[string]string{"Init": "true"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddInstance("m", awsfake.Adopt{PrivateIP: "172.20.0.3"}); err != nil {
		t.Fatal(err)
	}
	_ = f.Reconcile(t.Context())
	g := group(t, c, "m")
	if g.Desired != 2 || len(g.Instances) != 2 || lifecycles(g)["InService"] != 2 {
		t.Fatalf("group %+v: want the 2 adopted instances only", g)
	}
	d := describe(t, c, "Filter.1.Name", "tag:Name", "Filter.1.Value.1", "SwarmManager-x", "Filter.2.Name", "tag:Init", "Filter.2.Value.1", "true")
	if len(d.instances()) != 1 || d.instances()[0].PrivateIP != "172.20.0.2" {
		t.Fatalf("adopted: %+v", d.instances())
	}
	_, _ = f.AddInstance("m", awsfake.Adopt{})
	if _, err := f.AddInstance("m", awsfake.Adopt{}); err == nil {
		t.Error("attaching above max: no error")
	}
}

func TestSetDesired(t *testing.T) {
	f, c := start(t, awsfake.Options{})
	workers(t, f, 1, 3, 1)
	if err := f.SetDesired(wg, 4); err == nil {
		t.Error("SetDesired above max: no error")
	}
	if err := f.SetDesired("nope", 1); !errors.Is(err, awsfake.ErrNotFound) {
		t.Errorf("SetDesired of an unknown group: %v; want ErrNotFound", err)
	}
	if err := f.SetDesired(wg, 3); err != nil {
		t.Fatal(err)
	}
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	if g := group(t, c, wg); g.Desired != 3 || len(g.Instances) != 3 {
		t.Fatalf("group %+v: want 3 instances", g)
	}
}
