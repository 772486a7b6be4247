package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

func TestMachineState(t *testing.T) {
	for ec2, want := range map[string]deploy.MachineState{
		"pending": deploy.MachinePending, "running": deploy.MachineRunning, "stopping": deploy.MachineStopping,
		"shutting-down": deploy.MachineStopping, "stopped": deploy.MachineStopped, "terminated": deploy.MachineGone, "odd": deploy.MachineUnknown,
	} {
		if got := machineState(ec2); got != want {
			t.Errorf("machineState(%s) = %s, want %s", ec2, got, want)
		}
	}
}

// TestJoin: nodes get their instance by Hostname tag, else by address (a
// live instance before a terminated one that had the same address);
// instances not joined follow; a node with no instance is gone.
func TestJoin(t *testing.T) {
	cl := &awsproto.Cluster{
		Managers: awsproto.Group{ASG: "mgr", Instances: []awsproto.Instance{
			{ID: "i-m1", State: "running", PrivateIP: "10.0.1.1", Zone: "a", Tags: map[string]string{"Hostname": "m1"}},
		}},
		Workers: awsproto.Group{ASG: "wrk", Instances: []awsproto.Instance{
			{ID: "i-old", State: "terminated", PrivateIP: "10.0.2.1"},
			{ID: "i-new", State: "running", PrivateIP: "10.0.2.1", Zone: "b"},
			{ID: "i-stopped", State: "stopped", PrivateIP: "10.0.2.2", Zone: "c"},
			{ID: "i-pending", State: "pending", PrivateIP: "10.0.2.3", Zone: "a"},
			{ID: "i-gone", State: "terminated", PrivateIP: "10.0.2.9"},
		}},
	}
	nodes := []deploy.Node{
		{ID: "n-m1", Hostname: "m1", Addr: "10.0.1.99", Manager: true, Ready: true, Joined: true},
		{ID: "n-stale", Hostname: "w-old", Addr: "10.0.2.1", Joined: true}, // down, its instance terminated
		{ID: "n-new", Hostname: "w-new", Addr: "10.0.2.1", Ready: true, Joined: true},
		{ID: "n-stopped", Hostname: "w2", Addr: "10.0.2.2", Joined: true},
		{ID: "n-orphan", Hostname: "w9", Addr: "10.0.9.9", Joined: true},
	}
	got := join(cl, nodes)
	want := []deploy.Node{
		{ID: "n-m1", Hostname: "m1", Addr: "10.0.1.99", Manager: true, Ready: true, Joined: true, Instance: "i-m1", Machine: deploy.MachineRunning, Group: "mgr", Host: "a"},
		{ID: "n-stale", Hostname: "w-old", Addr: "10.0.2.1", Joined: true, Instance: "i-old", Machine: deploy.MachineGone, Group: "wrk"},
		{ID: "n-new", Hostname: "w-new", Addr: "10.0.2.1", Ready: true, Joined: true, Instance: "i-new", Machine: deploy.MachineRunning, Group: "wrk", Host: "b"},
		{ID: "n-stopped", Hostname: "w2", Addr: "10.0.2.2", Joined: true, Instance: "i-stopped", Machine: deploy.MachineStopped, Group: "wrk", Host: "c"},
		{ID: "n-orphan", Hostname: "w9", Addr: "10.0.9.9", Joined: true, Machine: deploy.MachineGone},
		{Addr: "10.0.2.3", Instance: "i-pending", Machine: deploy.MachinePending, Group: "wrk", Host: "a"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("join:\n got %+v\nwant %+v", got, want)
	}
}

// TestJoinReusedHostname: a Down node and a Ready node with the same
// hostname (EC2 reused the private IP): the Ready one gets the live
// instance, the Down one the terminated instance, so prune removes the
// Down one and never the live one.
func TestJoinReusedHostname(t *testing.T) {
	cl := &awsproto.Cluster{Workers: awsproto.Group{ASG: "wrk", Instances: []awsproto.Instance{
		{ID: "i-old", State: "terminated", PrivateIP: "10.0.2.1", Tags: map[string]string{"Hostname": "ip-10-0-2-1"}},
		{ID: "i-new", State: "running", PrivateIP: "10.0.2.1", Tags: map[string]string{"Hostname": "ip-10-0-2-1"}},
	}}}
	nodes := []deploy.Node{
		{ID: "n-down", Hostname: "ip-10-0-2-1", Addr: "10.0.2.1", Joined: true},
		{ID: "n-ready", Hostname: "ip-10-0-2-1", Addr: "10.0.2.1", Ready: true, Joined: true},
	}
	got := join(cl, nodes)
	if got[0].Instance != "i-old" || got[0].Machine != deploy.MachineGone {
		t.Errorf("the Down node got %s (%s), want i-old (gone)", got[0].Instance, got[0].Machine)
	}
	if got[1].Instance != "i-new" || got[1].Machine != deploy.MachineRunning {
		t.Errorf("the Ready node got %s (%s), want i-new (running)", got[1].Instance, got[1].Machine)
	}
}

// TestNodes: through the backend, joined nodes carry their instance.
func TestNodes(t *testing.T) {
	e := newBed(t, 1, 2)
	e.cloud.AddInstance(awsproto.RoleWorkers, nil) // launched, not joined yet
	nodes, err := e.b.Nodes(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	joined, pending := 0, 0
	for _, n := range nodes {
		switch {
		case n.Joined && n.Instance != "" && n.Machine == deploy.MachineRunning && n.Group != "":
			joined++
		case !n.Joined && n.Machine == deploy.MachineRunning:
			pending++
		default:
			t.Errorf("node %+v", n)
		}
	}
	if joined != 3 || pending != 1 {
		t.Errorf("%d joined, %d pending; want 3, 1", joined, pending)
	}
}

// TestPruneNodes: nodes of terminated instances go, those of stopped ones
// stay; a swarm none of whose nodes matches an instance is left alone.
func TestPruneNodes(t *testing.T) {
	e := newBed(t, 1, 3)
	ws := e.instances(awsproto.RoleWorkers)
	if _, err := e.cloud.Call(ctx(t), awsproto.Request{Op: awsproto.OpTerminateInstances, InstanceIDs: []string{ws[0].ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cloud.Call(ctx(t), awsproto.Request{Op: awsproto.OpStopInstances, InstanceIDs: []string{ws[1].ID}}); err != nil {
		t.Fatal(err)
	}
	removed, err := e.b.PruneNodes(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0].Instance != ws[0].ID {
		t.Errorf("removed %+v, want the node of %s", removed, ws[0].ID)
	}
	if _, ok := e.sw.Node(e.node(ws[0].ID)); ok {
		t.Error("the terminated instance's node is still there")
	}
	if _, ok := e.sw.Node(e.node(ws[1].ID)); !ok {
		t.Error("the stopped instance's node was removed")
	}
}

// TestPruneRefusesWhenNothingMatches: groups that match no node (wrong
// tags) do not make prune remove the whole swarm.
func TestPruneRefusesWhenNothingMatches(t *testing.T) {
	e := newBed(t, 1, 2)
	mgr := e.node(e.instances(awsproto.RoleManagers)[0].ID)
	e.cloud.Lock()
	e.cloud.Managers.Instances, e.cloud.Workers.Instances = nil, nil
	e.cloud.Unlock()
	e.b.env.Manager, e.b.env.Insecure = "tcp://m:2375", true // reached directly
	e.b.dial = func(context.Context, deploy.Endpoint, bool) (deploy.SwarmAPI, error) { return e.sw.Engine(mgr), nil }
	_, err := e.b.PruneNodes(ctx(t))
	if err == nil || !strings.Contains(err.Error(), "none of the swarm's 3 nodes matches an instance of the env: refusing") {
		t.Errorf("PruneNodes: %v", err)
	}
}

// TestPruneRefusesReadyNodes: workers set to tags no instance has leave
// the managers matched, but prune must not remove the ready workers whose
// machines it cannot see.
func TestPruneRefusesReadyNodes(t *testing.T) {
	e := newBed(t, 1, 2)
	e.cloud.Lock()
	e.cloud.Workers.Instances = nil
	e.cloud.Unlock()
	removed, err := e.b.PruneNodes(ctx(t))
	if err == nil || len(removed) != 0 || !strings.Contains(err.Error(), "env staging: 2 ready nodes match no instance of the env (") ||
		!strings.Contains(err.Error(), "refusing to prune; check managers and workers in [env.staging.aws]") {
		t.Errorf("PruneNodes = %v, %v", removed, err)
	}
	if nodes, _ := e.b.Nodes(ctx(t)); len(nodes) != 3 {
		t.Errorf("%d nodes left, want 3", len(nodes))
	}
}

// TestScaleOutIn: out sets the desired capacity and waits for the new
// workers; in drains the victims, terminates them with the capacity
// decremented, and removes their nodes, the tasks running elsewhere.
func TestScaleOutIn(t *testing.T) {
	e := newBed(t, 1, 2)
	e.sw.AddService("web", 6)
	if err := e.b.ScaleNodes(ctx(t), 4); err != nil {
		t.Fatal(err)
	}
	if d := e.cloud.Workers.Desired; d != 4 {
		t.Errorf("desired %d after scaling out to 4", d)
	}
	if !strings.Contains(e.log.String(), "workers: 2 → 4") {
		t.Errorf("log %q", e.log.String())
	}
	if err := e.b.ScaleNodes(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
	nodes, err := e.b.Nodes(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	workers := 0
	for _, n := range nodes {
		if !n.Manager {
			workers++
		}
	}
	if workers != 1 || e.cloud.Workers.Desired != 1 {
		t.Errorf("%d workers listed, desired %d; want 1", workers, e.cloud.Workers.Desired)
	}
	running := 0
	for _, ts := range e.sw.Tasks() {
		running += len(ts)
	}
	if running != 6 {
		t.Errorf("%d tasks running, want 6", running)
	}
	if got := strings.Join(e.ops(), " "); got != "set-desired terminate-in-group" {
		t.Errorf("AWS calls: %s", got)
	}
	if c := e.cloud.Calls[len(e.cloud.Calls)-2]; !c.Decrement || len(c.InstanceIDs) != 3 {
		t.Errorf("terminate-in-group %+v: want 3 instances, decrement", c)
	}
}

// TestScaleOutOfRange: a number of workers outside the group's range is
// refused before anything is said or changed (exit code 2), in both
// directions: below min, no worker is drained first.
func TestScaleOutOfRange(t *testing.T) {
	e := newBed(t, 1, 2)
	e.cloud.Workers.Min = 1
	for _, n := range []int{9, 0} {
		err := e.b.ScaleNodes(ctx(t), n)
		var ce *config.Error
		want := fmt.Sprintf("env staging: cannot scale to %d workers: the workers group swarm-worker-staging-asg allows 1 to 6 (its min and max size); change them", n)
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ScaleNodes(%d): %v\nwant %s…", n, err, want)
		}
	}
	if ops, log := e.ops(), e.log.String(); len(ops) != 0 || log != "" {
		t.Errorf("ScaleNodes out of range called %v, said %q; want nothing", ops, log)
	}
	nodes, _ := e.b.Nodes(ctx(t))
	for _, n := range nodes {
		if n.Drained {
			t.Errorf("node %s drained", n.Hostname)
		}
	}
}

// TestStopTaskOnWorker: a task on a worker is killed through that
// worker's engine.
func TestStopTaskOnWorker(t *testing.T) {
	e := newBed(t, 1, 1)
	e.sw.AddService("web", 2)
	w := e.instances(awsproto.RoleWorkers)[0]
	task := e.sw.Tasks()[e.node(w.ID)][0]
	if err := e.b.StopTask(ctx(t), task.ID); err != nil {
		t.Fatal(err)
	}
	if k := e.sw.Killed(); len(k) != 1 || k[0] != task.Status.ContainerStatus.ContainerID {
		t.Errorf("killed %v", k)
	}
	if e.dialed[len(e.dialed)-1] != w.ID {
		t.Errorf("dialled %v, want the worker %s last", e.dialed, w.ID)
	}
	if err := e.b.StopTask(ctx(t), "nope"); !errors.Is(err, deploy.ErrNotFound) {
		t.Errorf("StopTask(unknown): %v", err)
	}
}

// TestStopStartNode: StopNode stops the instance, forced; StartNode
// starts it and returns once it runs; unknown ids are ErrNotFound.
func TestStopStartNode(t *testing.T) {
	e := newBed(t, 1, 1)
	w := e.instances(awsproto.RoleWorkers)[0]
	id := e.node(w.ID)
	if err := e.b.StopNode(ctx(t), id); err != nil {
		t.Fatal(err)
	}
	if in, _ := e.cloud.Instance(w.ID); in.State != "stopped" || !e.cloud.Calls[len(e.cloud.Calls)-1].Force {
		t.Errorf("instance %s after StopNode, last call %+v", in.State, e.cloud.Calls[len(e.cloud.Calls)-1])
	}
	if n, _ := e.sw.Node(id); n.Status.State != swarm.NodeStateDown {
		t.Errorf("node %s after StopNode", n.Status.State)
	}
	if err := e.b.StartNode(ctx(t), id); err != nil {
		t.Fatal(err)
	}
	if in, _ := e.cloud.Instance(w.ID); in.State != "running" {
		t.Errorf("instance %s after StartNode", in.State)
	}
	if err := e.b.StartNode(ctx(t), w.ID); err != nil {
		t.Errorf("StartNode of a running instance: %v", err)
	}
	for _, id := range []string{"nope", "i-nope"} {
		if err := e.b.StopNode(ctx(t), id); !errors.Is(err, deploy.ErrNotFound) {
			t.Errorf("StopNode(%s): %v", id, err)
		}
		if err := e.b.StartNode(ctx(t), id); !errors.Is(err, deploy.ErrNotFound) {
			t.Errorf("StartNode(%s): %v", id, err)
		}
	}
}
