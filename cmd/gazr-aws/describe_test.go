package main

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDescribeByName(t *testing.T) {
	testEnv(t)
	w, srv := newWire(t, func(r wireReq) (int, string) {
		switch r.action {
		case "DescribeAutoScalingGroups":
			if r.form.Get("AutoScalingGroupNames.member.1") == "swarm-manager-staging-asg" {
				return 200, asgGroups("swarm-manager-staging-asg", 1, 3, 2, "i-0m1", "i-0m2")
			}
			return 200, asgGroups("swarm-worker-staging-asg", 1, 25, 1, "i-0w1")
		case "DescribeInstances":
			if r.form.Get("InstanceId.1") == "i-0m1" {
				return 200, ec2Instances(testInstance{"i-0m2", "running", "10.0.1.12", "eu-west-3b", "swarm-manager-staging-asg", "SwarmManager-staging"},
					testInstance{"i-0m1", "running", "10.0.1.11", "eu-west-3a", "swarm-manager-staging-asg", "SwarmManager-staging"})
			}
			return 200, ec2Instances(testInstance{"i-0w1", "stopped", "10.0.2.11", "eu-west-3a", "swarm-worker-staging-asg", "SwarmWorker-staging"})
		case "DescribeScheduledActions":
			if r.form.Get("AutoScalingGroupName") == "swarm-worker-staging-asg" {
				return 200, asgScheduled(ScheduledAction{Name: "gazr-1-0123abcd", Recurrence: "0 8 * * 1-5", TimeZone: "Europe/Paris", Desired: 3})
			}
			return 200, asgScheduled()
		}
		return 400, asgError("InvalidAction", r.action)
	})
	resp := call(t, Request{Op: OpDescribe, Target: testTarget(srv)})
	if resp.Error != nil {
		t.Fatalf("describe: %+v", resp.Error)
	}
	c := resp.Cluster
	if c.Region != testRegion {
		t.Errorf("Region = %q", c.Region)
	}
	m := c.Managers
	if m.ASG != "swarm-manager-staging-asg" || m.Min != 1 || m.Max != 3 || m.Desired != 2 || m.Searched != "Auto Scaling group swarm-manager-staging-asg" {
		t.Errorf("managers = %+v", m)
	}
	want := Instance{
		ID: "i-0m1", State: "running", PrivateIP: "10.0.1.11", PublicIP: "203.0.113.9", Zone: "eu-west-3a",
		Tags:      map[string]string{"Name": "SwarmManager-staging", "aws:autoscaling:groupName": "swarm-manager-staging-asg"},
		Lifecycle: "InService", LaunchTime: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
	}
	if len(m.Instances) != 2 || !reflect.DeepEqual(m.Instances[0], want) || m.Instances[1].ID != "i-0m2" {
		t.Errorf("managers' instances = %+v\nwant first %+v", m.Instances, want)
	}
	if len(c.Workers.Instances) != 1 || c.Workers.Instances[0].State != "stopped" {
		t.Errorf("workers' instances = %+v", c.Workers.Instances)
	}
	wantSched := []ScheduledAction{{Name: "gazr-1-0123abcd", Recurrence: "0 8 * * 1-5", TimeZone: "Europe/Paris", Desired: 3,
		Next: time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)}}
	if !reflect.DeepEqual(c.Workers.Scheduled, wantSched) || len(m.Scheduled) != 0 {
		t.Errorf("scheduled: managers %+v, workers %+v", m.Scheduled, c.Workers.Scheduled)
	}
	// The request shapes: query form, the services' signing names.
	di := w.calls("DescribeInstances")
	var managers *wireReq
	for i := range di {
		if di[i].form.Get("InstanceId.1") == "i-0m1" {
			managers = &di[i]
		}
	}
	if len(di) != 2 || managers == nil || managers.service != "ec2" || managers.form.Get("InstanceId.2") != "i-0m2" ||
		managers.form.Get("Version") != "2016-11-15" {
		t.Errorf("DescribeInstances requests: %+v", di)
	}
	if g := w.calls("DescribeAutoScalingGroups"); len(g) != 2 || g[0].service != "autoscaling" {
		t.Errorf("DescribeAutoScalingGroups requests: %+v", g)
	}
}

func TestDescribeByTags(t *testing.T) {
	testEnv(t)
	w, srv := newWire(t, func(r wireReq) (int, string) {
		switch {
		case r.action == "DescribeInstances" && r.form.Get("Filter.1.Value.1") == "SwarmManager-staging":
			return 200, ec2Instances(testInstance{"i-0m1", "running", "10.0.1.11", "eu-west-3a", "swarm-manager-staging-asg", "SwarmManager-staging"})
		case r.action == "DescribeInstances":
			return 200, ec2Instances()
		case r.action == "DescribeAutoScalingGroups":
			return 200, asgGroups("swarm-manager-staging-asg", 1, 3, 1, "i-0m1")
		case r.action == "DescribeScheduledActions":
			return 200, asgScheduled()
		}
		return 400, asgError("InvalidAction", r.action)
	})
	target := testTarget(srv)
	target.Managers = Selector{Tags: map[string]string{"Name": "SwarmManager-staging"}}
	target.Workers = Selector{Tags: map[string]string{"Name": "SwarmWorker-staging", "Env": "staging"}}
	resp := call(t, Request{Op: OpDescribe, Target: target})
	if resp.Error != nil {
		t.Fatalf("describe: %+v", resp.Error)
	}
	m, wk := resp.Cluster.Managers, resp.Cluster.Workers
	if m.ASG != "swarm-manager-staging-asg" || m.Desired != 1 || len(m.Instances) != 1 || m.Instances[0].Lifecycle != "InService" ||
		m.Searched != "instances tagged Name=SwarmManager-staging" {
		t.Errorf("managers = %+v", m)
	}
	// A search that finds nothing is no error: gazr says what was searched.
	if wk.ASG != "" || len(wk.Instances) != 0 || wk.Searched != "instances tagged Env=staging, Name=SwarmWorker-staging" {
		t.Errorf("workers = %+v", wk)
	}
	var f url.Values
	for _, r := range w.calls("DescribeInstances") {
		if r.form.Get("Filter.1.Name") == "tag:Name" {
			f = r.form
		}
	}
	want := map[string]string{
		"Filter.1.Name": "tag:Name", "Filter.1.Value.1": "SwarmManager-staging",
		"Filter.2.Name": "instance-state-name", "Filter.2.Value.1": "pending", "Filter.2.Value.5": "shutting-down",
	}
	for k, v := range want {
		if f.Get(k) != v {
			t.Errorf("DescribeInstances %s = %q, want %q (form %v)", k, f.Get(k), v, f)
		}
	}
	if f.Has("Filter.2.Value.6") {
		t.Errorf("DescribeInstances lists terminated instances: %v", f)
	}
	if n := len(w.calls("DescribeAutoScalingGroups")); n != 1 {
		t.Errorf("%d DescribeAutoScalingGroups, want 1 (the managers' tag names a group, the workers have none)", n)
	}
}

func TestDescribeGroupMissing(t *testing.T) {
	testEnv(t)
	_, srv := newWire(t, func(r wireReq) (int, string) {
		if r.action == "DescribeAutoScalingGroups" {
			return 200, asgGroups("", 0, 0, 0)
		}
		return http.StatusBadRequest, asgError("InvalidAction", r.action)
	})
	resp := call(t, Request{Op: OpDescribe, Target: testTarget(srv)})
	if e := resp.Error; e == nil || e.Code != CodeNotFound || !strings.Contains(e.Message, `managers: Auto Scaling group "swarm-manager-staging-asg" does not exist in eu-west-3`) {
		t.Errorf("describe of a missing group: %+v", resp.Error)
	}
}
