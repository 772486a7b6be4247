package main

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRegistryLogin(t *testing.T) {
	testEnv(t)
	token := base64.StdEncoding.EncodeToString([]byte("AWS:ecr-password-1"))
	w, srv := newWire(t, func(r wireReq) (int, string) {
		return 200, fmt.Sprintf(`{"authorizationData":[{"authorizationToken":%q,"expiresAt":1772352000,"proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-3.amazonaws.com"}]}`, token)
	})
	resp := call(t, Request{Op: OpRegistryLogin, Target: testTarget(srv)})
	want := Registry{Host: "123456789012.dkr.ecr.eu-west-3.amazonaws.com", Username: "AWS", Password: "ecr-password-1", Expires: time.Unix(1772352000, 0)}
	if resp.Error != nil || resp.Registry == nil || *resp.Registry != (Registry{Host: want.Host, Username: "AWS", Password: want.Password, Expires: resp.Registry.Expires}) ||
		!resp.Registry.Expires.Equal(want.Expires) {
		t.Fatalf("registry-login = %+v, %+v; want %+v", resp.Registry, resp.Error, want)
	}
	r := w.calls("GetAuthorizationToken")
	if len(r) != 1 || r[0].service != "ecr" || r[0].header.Get("X-Amz-Target") != "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken" ||
		r[0].header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Errorf("GetAuthorizationToken requests: %+v", r)
	}
}

func TestEnsureRepository(t *testing.T) {
	type answer struct {
		status int
		body   string
	}
	notFound := answer{400, ecrError("RepositoryNotFoundException", "The repository with name 'shop/api' does not exist")}
	tests := []struct {
		name             string
		describe, create answer
		wantCreated      bool
		wantCreates      int
	}{
		{"exists", answer{200, `{"repositories":[{"repositoryName":"shop/api"}]}`}, answer{}, false, 0},
		{"missing", notFound, answer{200, `{"repository":{"repositoryName":"shop/api","createdAt":1772352000}}`}, true, 1},
		{"created meanwhile", notFound, answer{400, ecrError("RepositoryAlreadyExistsException", "exists")}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testEnv(t)
			w, srv := newWire(t, func(r wireReq) (int, string) {
				if r.action == "DescribeRepositories" {
					return tt.describe.status, tt.describe.body
				}
				return tt.create.status, tt.create.body
			})
			resp := call(t, Request{Op: OpEnsureRepository, Repository: "shop/api", Target: testTarget(srv)})
			if resp.Error != nil || resp.Created != tt.wantCreated {
				t.Fatalf("ensure-repository = created %v, %+v; want created %v", resp.Created, resp.Error, tt.wantCreated)
			}
			d := w.calls("DescribeRepositories")
			if len(d) != 1 || !slices.Equal(d[0].body["repositoryNames"].([]any), []any{"shop/api"}) {
				t.Errorf("DescribeRepositories requests: %+v", d)
			}
			c := w.calls("CreateRepository")
			if len(c) != tt.wantCreates || len(c) == 1 && c[0].body["repositoryName"] != "shop/api" {
				t.Errorf("CreateRepository requests: %+v", c)
			}
		})
	}
}

// groupWire answers for one Auto Scaling group (min 1, max 25) with a
// desired capacity and scheduled actions it keeps, as AWS would.
func groupWire(t *testing.T) (*wire, Target, func() []ScheduledAction) {
	var mu sync.Mutex
	desired := 2
	sched := []ScheduledAction{{Name: "nightly-batch", Recurrence: "0 2 * * *", Desired: 5}, {Name: "gazr-1-deadbeef", Recurrence: "0 7 * * *", Desired: 2}}
	w, srv := newWire(t, func(r wireReq) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		switch r.action {
		case "DescribeAutoScalingGroups":
			return 200, asgGroups("swarm-worker-staging-asg", 1, 25, desired, "i-0w1")
		case "DescribeInstances":
			return 200, ec2Instances(testInstance{"i-0w1", "running", "10.0.2.11", "eu-west-3a", "swarm-worker-staging-asg", "SwarmWorker-staging"})
		case "DescribeScheduledActions":
			return 200, asgScheduled(sched...)
		case "SetDesiredCapacity":
			desired, _ = strconv.Atoi(r.form.Get("DesiredCapacity"))
		case "PutScheduledUpdateGroupAction":
			d, _ := strconv.Atoi(r.form.Get("DesiredCapacity"))
			a := ScheduledAction{Name: r.form.Get("ScheduledActionName"), Recurrence: r.form.Get("Recurrence"), TimeZone: r.form.Get("TimeZone"), Desired: d}
			sched = slices.DeleteFunc(sched, func(s ScheduledAction) bool { return s.Name == a.Name })
			sched = append(sched, a)
		case "DeleteScheduledAction":
			sched = slices.DeleteFunc(sched, func(s ScheduledAction) bool { return s.Name == r.form.Get("ScheduledActionName") })
		default:
			return 400, asgError("InvalidAction", r.action)
		}
		return 200, asgEmpty(r.action)
	})
	return w, testTarget(srv), func() []ScheduledAction { mu.Lock(); defer mu.Unlock(); return slices.Clone(sched) }
}

func TestSetDesired(t *testing.T) {
	testEnv(t)
	w, target, _ := groupWire(t)
	resp := call(t, Request{Op: OpSetDesired, Role: RoleWorkers, Desired: 30, Target: target})
	want := "workers group swarm-worker-staging-asg: desired 30 is outside min 1 / max 25"
	if resp.Error == nil || resp.Error.Code != CodeOutOfRange || resp.Error.Message != want {
		t.Errorf("set-desired 30 = %+v, want OutOfRange %q", resp.Error, want)
	}
	if n := len(w.calls("SetDesiredCapacity")); n != 0 {
		t.Errorf("set-desired out of range called SetDesiredCapacity %d times", n)
	}
	resp = call(t, Request{Op: OpSetDesired, Role: RoleWorkers, Desired: 5, Target: target})
	if resp.Error != nil || resp.Group == nil || resp.Group.Desired != 5 || len(resp.Group.Instances) != 1 {
		t.Fatalf("set-desired 5 = %+v, %+v", resp.Group, resp.Error)
	}
	f := w.calls("SetDesiredCapacity")[0].form
	if f.Get("AutoScalingGroupName") != "swarm-worker-staging-asg" || f.Get("DesiredCapacity") != "5" || f.Get("HonorCooldown") != "false" {
		t.Errorf("SetDesiredCapacity form: %v", f)
	}
}

func TestPutSchedule(t *testing.T) {
	testEnv(t)
	w, target, current := groupWire(t)
	wanted := []ScheduledAction{
		{Recurrence: "0 8 * * 1-5", TimeZone: "Europe/Paris", Desired: 3},
		{Recurrence: "0 20 * * 1-5", TimeZone: "Europe/Paris", Desired: 1},
	}
	resp := call(t, Request{Op: OpPutSchedule, Role: RoleWorkers, Schedule: wanted, Target: target})
	if resp.Error != nil || len(resp.Changes) != 3 || !strings.HasPrefix(resp.Changes[0], "put gazr-1-") ||
		!strings.HasPrefix(resp.Changes[1], "put gazr-2-") || resp.Changes[2] != "delete gazr-1-deadbeef: desired 2 at 0 7 * * * (UTC)" {
		t.Fatalf("put-schedule = %q, %+v", resp.Changes, resp.Error)
	}
	got := current()
	if len(got) != 3 || got[0].Name != "nightly-batch" || got[1].TimeZone != "Europe/Paris" || got[2].Desired != 1 {
		t.Errorf("the group's actions after: %+v", got)
	}
	puts := w.calls("PutScheduledUpdateGroupAction")
	if f := puts[0].form; f.Get("Recurrence") != "0 8 * * 1-5" || f.Get("DesiredCapacity") != "3" || f.Get("AutoScalingGroupName") != "swarm-worker-staging-asg" {
		t.Errorf("PutScheduledUpdateGroupAction form: %v", f)
	}
	// Idempotent: the same schedule again changes nothing.
	resp = call(t, Request{Op: OpPutSchedule, Role: RoleWorkers, Schedule: wanted, Target: target})
	if resp.Error != nil || len(resp.Changes) != 0 {
		t.Errorf("put-schedule again = %q, %+v; want no change", resp.Changes, resp.Error)
	}
	if n := len(w.calls("PutScheduledUpdateGroupAction")); n != 2 {
		t.Errorf("%d puts in all, want 2", n)
	}
}

func TestInstanceOps(t *testing.T) {
	testEnv(t)
	w, srv := newWire(t, func(r wireReq) (int, string) {
		switch r.action {
		case "StopInstances":
			return 200, `<StopInstancesResponse ` + ec2NS + `><requestId>r</requestId><instancesSet><item><instanceId>i-0w1</instanceId>` +
				`<currentState><code>64</code><name>stopping</name></currentState><previousState><code>16</code><name>running</name></previousState>` +
				`</item></instancesSet></StopInstancesResponse>`
		case "TerminateInstanceInAutoScalingGroup":
			return 200, `<TerminateInstanceInAutoScalingGroupResponse ` + asNS + `><TerminateInstanceInAutoScalingGroupResult><Activity>` +
				`<ActivityId>a-1</ActivityId><AutoScalingGroupName>swarm-worker-staging-asg</AutoScalingGroupName><Cause>c</Cause>` +
				`<Description>Terminating EC2 instance: ` + r.form.Get("InstanceId") + `</Description><StartTime>2026-03-01T08:00:00Z</StartTime>` +
				`<StatusCode>InProgress</StatusCode><Progress>0</Progress></Activity></TerminateInstanceInAutoScalingGroupResult>` +
				`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></TerminateInstanceInAutoScalingGroupResponse>`
		}
		return 400, ec2Error("InvalidAction", r.action)
	})
	resp := call(t, Request{Op: OpStopInstances, InstanceIDs: []string{"i-0w1"}, Force: true, Target: testTarget(srv)})
	if resp.Error != nil || !slices.Equal(resp.Changes, []string{"i-0w1: running → stopping"}) {
		t.Errorf("stop-instances = %q, %+v", resp.Changes, resp.Error)
	}
	if f := w.calls("StopInstances")[0].form; f.Get("InstanceId.1") != "i-0w1" || f.Get("Force") != "true" {
		t.Errorf("StopInstances form: %v", f)
	}
	resp = call(t, Request{Op: OpTerminateInGroup, InstanceIDs: []string{"i-0w1", "i-0w2"}, Decrement: true, Target: testTarget(srv)})
	if resp.Error != nil || len(resp.Changes) != 2 || resp.Changes[1] != "i-0w2: Terminating EC2 instance: i-0w2" {
		t.Errorf("terminate-in-group = %q, %+v", resp.Changes, resp.Error)
	}
	for _, r := range w.calls("TerminateInstanceInAutoScalingGroup") {
		if r.form.Get("ShouldDecrementDesiredCapacity") != "true" {
			t.Errorf("TerminateInstanceInAutoScalingGroup form: %v", r.form)
		}
	}
	resp = call(t, Request{Op: OpStartInstances, Target: testTarget(srv)})
	if resp.Error == nil || resp.Error.Code != CodeInvalid {
		t.Errorf("start-instances of no instance: %+v", resp.Error)
	}
}
