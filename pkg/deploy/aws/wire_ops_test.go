package aws

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmfake"
)

// TestWireDescribe: the env's groups found by Auto Scaling group and by
// tags, each with more of what it lists than one page of the fake
// (PageSize 5): every instance comes back, and the pages were asked for.
func TestWireDescribe(t *testing.T) {
	w := newWire(t, awsfake.Options{PageSize: 5}, 3, 6)
	for i := range 7 { // 7 scheduled actions: two pages of DescribeScheduledActions
		if err := w.fake.PutScheduledAction(workersASG, awsfake.ScheduledAction{Name: "ops-" + string(rune('a'+i)), Recurrence: "0 3 * * *", Desired: ptr(1)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name               string
		managers, workers  config.Group
		searched           string
		instancesCalls     int // DescribeInstances
		groupCalls, schedN int // DescribeAutoScalingGroups, DescribeScheduledActions
	}{
		// By name: one group each, its instances by id (never paged),
		// the workers' 7 actions in two pages, the managers' in one.
		{"asg", config.Group{ASG: managersASG}, config.Group{ASG: workersASG}, "Auto Scaling group " + workersASG, 2, 2, 3},
		// By tags: 3 managers in one page, 6 workers in two; then the
		// group their aws:autoscaling:groupName tag names.
		{"tags", config.Group{Tags: map[string]string{"Name": "SwarmManager-staging"}}, config.Group{Tags: map[string]string{"Name": "SwarmWorker-staging"}},
			"instances tagged Name=SwarmWorker-staging", 3, 2, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w.fake.ResetCalls()
			w.env.AWS.Managers, w.env.AWS.Workers = &tt.managers, &tt.workers
			b := w.backend().(*Backend)
			start := time.Now()
			cl, err := b.describe(wireCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("describe: %v, %d API calls", time.Since(start).Round(time.Millisecond), len(w.fake.Calls()))
			if cl.Region != wireRegion || cl.Workers.Searched != tt.searched || cl.Workers.ASG != workersASG || cl.Managers.ASG != managersASG {
				t.Errorf("cluster %s, workers %q (ASG %q), managers ASG %q", cl.Region, cl.Workers.Searched, cl.Workers.ASG, cl.Managers.ASG)
			}
			g, _ := w.fake.Group(workersASG)
			if got := ids(cl.Workers.Instances); !slices.Equal(got, slices.Sorted(slices.Values(g.InstanceIDs))) {
				t.Errorf("workers %v, want %v", got, g.InstanceIDs)
			}
			if len(cl.Managers.Instances) != 3 || cl.Workers.Min != 0 || cl.Workers.Max != 6 || cl.Workers.Desired != 6 || len(cl.Workers.Scheduled) != 7 {
				t.Errorf("managers %d, workers %d/%d/%d with %d actions", len(cl.Managers.Instances), cl.Workers.Min, cl.Workers.Max, cl.Workers.Desired, len(cl.Workers.Scheduled))
			}
			// The calls made, not their attempts: on a loaded machine the
			// SDK may retry a call whose connection broke, and the fake
			// may see the retry alone or both.
			made := map[string]int{}
			seen := map[string]bool{}
			for _, c := range w.fake.Calls() {
				if c.Invocation == "" {
					t.Fatalf("%s: no amz-sdk-invocation-id", c.Op)
				}
				if c.Attempt > 1 {
					t.Logf("%s: attempt %d (a retry), answered %d %s", c.Op, c.Attempt, c.Status, c.Code)
				}
				if !seen[c.Invocation] {
					seen[c.Invocation] = true
					made[c.Op]++
				}
			}
			for op, want := range map[string]int{"DescribeInstances": tt.instancesCalls, "DescribeAutoScalingGroups": tt.groupCalls, "DescribeScheduledActions": tt.schedN} {
				if made[op] != want {
					t.Errorf("%d %s calls, want %d", made[op], op, want)
				}
			}
		})
	}
}

func ptr(n int) *int { return &n }

func ids(insts []awsproto.Instance) []string {
	out := make([]string, len(insts))
	for i, in := range insts {
		out[i] = in.ID
	}
	return out
}

// holdLaunch is Machines whose launches never end (until the fake
// closes): their instances stay pending.
type holdLaunch struct{}

func (holdLaunch) Launch(ctx context.Context, _ awsfake.Instance) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}
func (holdLaunch) Stop(context.Context, string, bool) error { return nil }
func (holdLaunch) Start(context.Context, string) error      { return nil }
func (holdLaunch) Terminate(context.Context, string) error  { return nil }

// TestWireNodes: swarm nodes with their instances (by the Hostname tag
// the join script sets), and an instance still pending, not joined.
func TestWireNodes(t *testing.T) {
	isolateAWS(t) // before the fake's groups adopt anything
	sw := swarmfake.New()
	byIP := map[string]string{}
	adopt := func(name, ip string, manager bool) awsfake.Adopt {
		byIP[ip] = sw.AddNode(name, ip, manager)
		return awsfake.Adopt{PrivateIP: ip, Tags: map[string]string{"Init": "true", "Hostname": name}}
	}
	w := newWire(t, awsfake.Options{Machines: holdLaunch{}}, 0, 0)
	if err := w.fake.AddGroup(awsfake.GroupSpec{Name: "mgr2", Min: 1, Max: 3, Desired: 1, Instances: []awsfake.Adopt{adopt("m1", "10.1.0.1", true)}}); err != nil {
		t.Fatal(err)
	}
	// Two workers joined, and desired 3: the reconciler launches a third,
	// which stays pending.
	if err := w.fake.AddGroup(awsfake.GroupSpec{Name: "wrk2", Min: 0, Max: 6, Desired: 3,
		Instances: []awsfake.Adopt{adopt("w1", "10.1.1.1", false), adopt("w2", "10.1.1.2", false)}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	_ = w.fake.Reconcile(ctx) // returns at the deadline: the launch holds
	cancel()
	w.env.AWS.Managers, w.env.AWS.Workers = &config.Group{ASG: "mgr2"}, &config.Group{ASG: "wrk2"}
	b := w.backendOn(sw, byIP)
	start := time.Now()
	nodes, err := b.Nodes(wireCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Nodes: %v", time.Since(start).Round(time.Millisecond))
	var got []string
	for _, n := range nodes {
		if n.Instance == "" || !strings.HasPrefix(n.Instance, "i-") {
			t.Errorf("node %+v has no instance", n)
		}
		got = append(got, fmt.Sprintf("%s %s joined=%v ready=%v %s manager=%v", n.Hostname, n.Group, n.Joined, n.Ready, n.Machine, n.Manager))
	}
	want := []string{
		"m1 mgr2 joined=true ready=true running manager=true",
		"w1 wrk2 joined=true ready=true running manager=false",
		"w2 wrk2 joined=true ready=true running manager=false",
		" wrk2 joined=false ready=false pending manager=false",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Nodes:\n got %q\nwant %q", got, want)
	}
}

// TestWireRegistry: the ECR login the fake hands out, cached, and a new
// one once it nears its expiry (the fake rotated its password: the old
// one no longer works).
func TestWireRegistry(t *testing.T) {
	w := newWire(t, awsfake.Options{}, 1, 0)
	b := w.backend().(*Backend)
	b.now = w.clock.Now
	r1, err := b.Registry(wireCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	_, pw1, exp := w.fake.Token()
	if r1.Host != "123456789012.dkr.ecr.eu-west-3.amazonaws.com" || !r1.Expires.Equal(exp) || password(t, r1) != pw1 {
		t.Errorf("Registry = %+v, want the fake's token expiring %v", r1, exp)
	}
	if r, _ := b.Registry(wireCtx(t)); r != r1 {
		t.Error("a second Registry did not reuse the login")
	}
	w.fake.ExpireToken()
	w.clock.Set(exp.Add(-RegistryMargin + time.Second))
	r2, err := b.Registry(wireCtx(t))
	if _, pw2, _ := w.fake.Token(); err != nil || password(t, r2) != pw2 || pw2 == pw1 {
		t.Errorf("Registry after expiry = %+v, %v; want the new password", r2, err)
	}
	if n, _ := w.calls("GetAuthorizationToken", ""); n != 2 {
		t.Errorf("%d GetAuthorizationToken calls, want 2", n)
	}
}

func password(t *testing.T, r deploy.Registry) string {
	t.Helper()
	raw, err := base64.URLEncoding.DecodeString(r.Auth)
	var a map[string]string
	if err != nil || json.Unmarshal(raw, &a) != nil || a["username"] != "AWS" || a["serveraddress"] != r.Host {
		t.Fatalf("Auth %q: %v", raw, err)
	}
	return a["password"]
}

// TestWireEnsureRepository: created when missing, found the second time.
func TestWireEnsureRepository(t *testing.T) {
	w := newWire(t, awsfake.Options{}, 1, 0)
	b := w.backend()
	for range 2 {
		if err := b.EnsureRepository(wireCtx(t), "shop/web"); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.fake.Repositories(); !slices.Equal(got, []string{"shop/web"}) {
		t.Errorf("repositories %v", got)
	}
	if n, _ := w.calls("CreateRepository", ""); n != 1 || strings.Count(w.log.String(), "created ECR repository shop/web") != 1 {
		t.Errorf("%d CreateRepository, log %q", n, w.log.String())
	}
}

// TestWireSetDesired: within min/max the group changes; outside, the
// helper refuses before AWS does, saying the bounds.
func TestWireSetDesired(t *testing.T) {
	w := newWire(t, awsfake.Options{}, 1, 2)
	b := w.backend().(*Backend)
	res, err := b.call(wireCtx(t), awsproto.Request{Op: awsproto.OpSetDesired, Role: awsproto.RoleWorkers, Desired: 4})
	if g, _ := w.fake.Group(workersASG); err != nil || g.Desired != 4 || res.Group == nil || res.Group.Desired != 4 {
		t.Fatalf("set-desired 4: %v; the group's desired is %d", err, g.Desired)
	}
	_, err = b.call(wireCtx(t), awsproto.Request{Op: awsproto.OpSetDesired, Role: awsproto.RoleWorkers, Desired: 7})
	w.oneLine("set-desired 7", err, "env staging: workers group swarm-worker-staging-asg: desired 7 is outside min 0 / max 6; change the group's min/max size in your infrastructure code first")
	if n, _ := w.calls("SetDesiredCapacity", ""); n != 1 {
		t.Errorf("%d SetDesiredCapacity calls, want 1 (the refused one is the helper's)", n)
	}
}

// TestWireSchedule: ApplySchedule writes the env's schedule, a second
// time changes nothing; Schedule lists it with its next runs; the fake's
// clock reaching one changes the workers' desired capacity.
func TestWireSchedule(t *testing.T) {
	w := newWire(t, awsfake.Options{}, 1, 1)
	w.clock.Set(time.Date(2026, 12, 7, 5, 58, 0, 0, time.UTC)) // Monday, 06:58 in Paris
	w.env.AWS.Schedule = []config.Schedule{{Cron: "0 7 * * 1-5", Workers: 5, TZ: "Europe/Paris"}, {Cron: "0 20 * * 1-5", Workers: 1, TZ: "Europe/Paris"}}
	b := w.backend()
	changes, err := b.ApplySchedule(wireCtx(t))
	if err != nil || len(changes) != 2 {
		t.Fatalf("ApplySchedule = %q, %v", changes, err)
	}
	if again, err := b.ApplySchedule(wireCtx(t)); err != nil || len(again) != 0 {
		t.Errorf("ApplySchedule again = %q, %v", again, err)
	}
	got, err := b.Schedule(wireCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	next := map[string]string{}
	for _, c := range got {
		name, _, _ := strings.Cut(strings.TrimPrefix(c.Name, "gazr-"), "-") // gazr-<n>-<hash of the content>
		next["gazr-"+name] = fmt.Sprintf("%s %s %d %s %v", c.Cron, c.TZ, c.Workers, c.Next.Format(time.RFC3339), c.Managed)
	}
	want := map[string]string{
		"gazr-1": "0 7 * * 1-5 Europe/Paris 5 2026-12-07T06:00:00Z true",
		"gazr-2": "0 20 * * 1-5 Europe/Paris 1 2026-12-07T19:00:00Z true",
	}
	if !maps.Equal(next, want) {
		t.Errorf("Schedule = %q\nwant %q", next, want)
	}
	cl, err := b.(*Backend).describe(wireCtx(t))
	if f, ok := b.(*Backend).scheduleFinding(cl.Workers); err != nil || !ok || f.Level != deploy.OK {
		t.Errorf("Check's schedule finding, in force: %+v, %v", f, err)
	}
	w.clock.Advance(3 * time.Minute)
	cl, err = b.(*Backend).describe(wireCtx(t))
	if g, _ := w.fake.Group(workersASG); err != nil || g.Desired != 5 || cl.Workers.Desired != 5 {
		t.Errorf("after 07:00 in Paris: desired %d (described %v), want 5 (%v)", g.Desired, cl, err)
	}
}
