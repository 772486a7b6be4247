package awsfake_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// machines is a Machines whose calls block until the test releases them
// (gate), and whose launches fail while fail is set.
type machines struct {
	mu    sync.Mutex
	calls []string
	gate  chan struct{}
	fail  bool
	n     int
}

func (m *machines) record(s string) {
	m.mu.Lock()
	m.calls = append(m.calls, s)
	m.mu.Unlock()
}

func (m *machines) wait(ctx context.Context) error {
	if m.gate == nil {
		return nil
	}
	select {
	case <-m.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *machines) Launch(ctx context.Context, in awsfake.Instance) (string, error) {
	m.record("launch " + in.Tags[awsfake.GroupTag])
	if err := m.wait(ctx); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return "", errors.New("no capacity")
	}
	m.n++
	return fmt.Sprintf("172.30.0.%d", m.n+1), nil
}

func (m *machines) Stop(ctx context.Context, id string, force bool) error {
	m.record(fmt.Sprintf("stop %s force=%v", id, force))
	return m.wait(ctx)
}

func (m *machines) Start(ctx context.Context, id string) error {
	m.record("start " + id)
	return m.wait(ctx)
}

func (m *machines) Terminate(ctx context.Context, id string) error {
	m.record("terminate " + id)
	return m.wait(ctx)
}

func (m *machines) log() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.calls)
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestMachinesDriveStates(t *testing.T) {
	m := &machines{gate: make(chan struct{})}
	f, c := start(t, awsfake.Options{Machines: m, ReconcileEvery: time.Hour})
	if err := f.AddGroup(awsfake.GroupSpec{Name: "w", Min: 0, Max: 3, Desired: 0}); err != nil {
		t.Fatal(err)
	}
	ok(t, c.asg("SetDesiredCapacity", "AutoScalingGroupName", "w", "DesiredCapacity", "1"))
	// The background reconciler is kicked by the change: an instance is
	// pending while its machine launches.
	var id string
	eventually(t, "a pending instance", func() bool {
		d := describe(t, c).instances()
		if len(d) == 1 && d[0].State.Name == "pending" {
			id = d[0].ID
			return true
		}
		return false
	})
	if g := group(t, c, "w"); len(g.Instances) != 1 || g.Instances[0].Lifecycle != "Pending" {
		t.Fatalf("group while launching: %+v", g.Instances)
	}
	m.gate <- struct{}{}
	eventually(t, "running", func() bool { in, _ := f.Instance(id); return in.State == awsfake.StateRunning })
	if in, _ := f.Instance(id); in.PrivateIP != "172.30.0.2" || in.Lifecycle != awsfake.LifecycleInService {
		t.Fatalf("launched: %+v", in)
	}

	ok(t, c.ec2("StopInstances", "InstanceId.1", id, "Force", "true"))
	if st := describe(t, c).instances()[0].State.Name; st != "stopping" {
		t.Fatalf("while the machine stops: %s", st)
	}
	m.gate <- struct{}{}
	eventually(t, "stopped", func() bool { in, _ := f.Instance(id); return in.State == awsfake.StateStopped })
	ok(t, c.ec2("StartInstances", "InstanceId.1", id))
	m.gate <- struct{}{}
	eventually(t, "running again", func() bool { in, _ := f.Instance(id); return in.State == awsfake.StateRunning })

	close(m.gate) // from here on, machines answer at once
	ok(t, c.asg("TerminateInstanceInAutoScalingGroup", "InstanceId", id, "ShouldDecrementDesiredCapacity", "true"))
	if err := f.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if in, _ := f.Instance(id); in.State != awsfake.StateTerminated {
		t.Fatalf("terminated: %+v", in)
	}
	want := []string{"launch w", "stop " + id + " force=true", "start " + id, "terminate " + id}
	if got := m.log(); !slices.Equal(got, want) {
		t.Errorf("machine calls %q, want %q", got, want)
	}
}

func TestLaunchFailureRetried(t *testing.T) {
	m := &machines{fail: true}
	f, c := start(t, awsfake.Options{Machines: m})
	if err := f.AddGroup(awsfake.GroupSpec{Name: "w", Max: 3, Desired: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	d := describe(t, c).instances()
	if len(d) != 1 || d[0].State.Name != "terminated" || len(group(t, c, "w").Instances) != 0 {
		t.Fatalf("after a failed launch: %+v", d)
	}
	m.mu.Lock()
	m.fail = false
	m.mu.Unlock()
	if err := f.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	g := group(t, c, "w")
	if len(g.Instances) != 1 || g.Instances[0].Lifecycle != "InService" {
		t.Fatalf("retry: %+v", g.Instances)
	}
	if n := len(describe(t, c).instances()); n != 2 {
		t.Errorf("%d instances listed, want the failed one and its retry", n)
	}
}

// TestConcurrentUse runs the reconciler, requests and the Go API at
// once (meaningful under -race).
func TestConcurrentUse(t *testing.T) {
	m := &machines{}
	f, c := start(t, awsfake.Options{Machines: m, ReconcileEvery: time.Millisecond})
	if err := f.AddGroup(awsfake.GroupSpec{Name: "w", Max: 6, Desired: 2}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 10 {
				_ = c.asg("SetDesiredCapacity", "AutoScalingGroupName", "w", "DesiredCapacity", fmt.Sprint((i+j)%7))
				_ = c.ec2("DescribeInstances")
				_ = f.Instances()
				_ = f.Reconcile(t.Context())
			}
		})
	}
	wg.Wait()
	ok(t, c.asg("SetDesiredCapacity", "AutoScalingGroupName", "w", "DesiredCapacity", "3"))
	eventually(t, "3 InService", func() bool {
		return lifecycles(group(t, c, "w"))["InService"] == 3 && len(group(t, c, "w").Instances) == 3
	})
}
