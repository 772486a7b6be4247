package pvefake_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	proxmox "github.com/luthermonson/go-proxmox"
)

// recorder is a Machines that logs its calls.
type recorder struct {
	ip    string
	mu    sync.Mutex
	calls []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf(format, args...))
}

func (r *recorder) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func (r *recorder) Create(_ context.Context, vm pvefake.VM, template int) error {
	r.add("create %d %s %s from %d", vm.VMID, vm.Name, vm.Node, template)
	return nil
}

func (r *recorder) Start(_ context.Context, vmid int) (string, error) {
	r.add("start %d", vmid)
	return r.ip, nil
}

func (r *recorder) Stop(_ context.Context, vmid int) error {
	r.add("stop %d", vmid)
	return nil
}

func (r *recorder) Shutdown(_ context.Context, vmid int) error {
	r.add("shutdown %d", vmid)
	return nil
}

func (r *recorder) Destroy(_ context.Context, vmid int) error {
	r.add("destroy %d", vmid)
	return nil
}

// A task made to fail ends with its exit status and a log saying it; a
// failed clone leaves no VM behind.
func TestFailedTask(t *testing.T) {
	f, c := start(t, fiveNodes())
	f.Fail("qmclone", 9000, "clone failed: rbd error: rbd: error opening image base-9000-disk-0: (2) No such file or directory")
	tpl := c.NodeRef("pve1").VirtualMachineRef(9000)
	_, task, err := tpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{Name: "x"})
	must(t, err)
	err = wait(t, task)
	tfe, ok := err.(*proxmox.TaskFailedError)
	if !ok || !strings.HasPrefix(tfe.ExitStatus, "clone failed: rbd error") || tfe.Type != "qmclone" || tfe.ID != "9000" {
		t.Fatalf("Wait = %v (%T), want the task's failure", err, err)
	}
	log, err := task.Log(ctx(t), 0, 50)
	must(t, err)
	if last := log[len(log)-1]; last != "TASK ERROR: "+tfe.ExitStatus {
		t.Errorf("log = %v, want it to end with TASK ERROR", log)
	}
	if _, ok := f.VM(100); ok {
		t.Error("a failed clone left its VM")
	}
	id := clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{Name: "y"})
	if id != 100 {
		t.Errorf("next clone id = %d, want 100 again", id)
	}
}

// Held tasks stay running and keep the clone locked; a start queued
// behind the clone runs after it, in order.
func TestHoldAndLock(t *testing.T) {
	f, c := start(t, fiveNodes())
	f.Hold()
	tpl := c.NodeRef("pve1").VirtualMachineRef(9000)
	id, cloneTask, err := tpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{Name: "held"})
	must(t, err)
	must(t, cloneTask.Ping(ctx(t)))
	if !cloneTask.IsRunning {
		t.Fatalf("held clone task = %+v, want running", cloneTask)
	}
	v := vmOn(t, c, "pve1", id)
	if v.VirtualMachineConfig.Lock != "clone" {
		t.Errorf("lock during clone = %q, want clone", v.VirtualMachineConfig.Lock)
	}
	cl, _ := c.Cluster(ctx(t))
	if next, _ := cl.NextID(ctx(t)); next != 101 {
		t.Errorf("nextid during clone = %d, want 101", next)
	}
	err = v.ConfigSync(ctx(t), proxmox.VirtualMachineOption{Name: "ciuser", Value: "x"})
	apiError(t, err, 500, "VM is locked (clone)")
	startTask, err := v.Start(ctx(t))
	must(t, err)
	time.Sleep(50 * time.Millisecond)
	f.Release()
	must(t, wait(t, cloneTask))
	must(t, wait(t, startTask))
	if vm, _ := f.VM(id); vm.Status != "running" || vm.Lock != "" {
		t.Errorf("VM = %+v, want running, unlocked", vm)
	}
}

// Faults: a 5xx with PVE's shape, a dropped connection, silence.
func TestFaults(t *testing.T) {
	f, c := start(t, fiveNodes())
	f.Inject(pvefake.Fault{Path: "/version", Kind: pvefake.ServerError, Status: 503, Message: "service unavailable", Count: 1})
	_, err := c.Version(ctx(t))
	apiError(t, err, 503, "service unavailable")
	if _, err := c.Version(ctx(t)); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
	f.Inject(pvefake.Fault{Kind: pvefake.Unreachable})
	if _, err := c.Version(ctx(t)); err == nil {
		t.Fatal("unreachable: no error")
	}
	f.ClearFaults()
	f.Inject(pvefake.Fault{Method: "GET", Path: "/nodes/*/qemu", Kind: pvefake.Silence})
	short := client(t, f, pvefake.DefaultTokenID, pvefake.DefaultTokenSecret, proxmox.WithTimeout(200*time.Millisecond))
	begin := time.Now()
	if _, err := short.NodeRef("pve1").VirtualMachines(ctx(t)); err == nil || time.Since(begin) < 200*time.Millisecond {
		t.Fatalf("silence: %v after %v", err, time.Since(begin))
	}
	// The silenced request is recorded once its handler sees the client gone.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		calls := f.Calls()
		last := calls[len(calls)-1]
		if last.Fault == pvefake.Silence && last.Path == "/nodes/pve1/qemu" && last.Status == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("last call = %+v, want the silenced one", last)
		}
	}
}

// A lost node: offline, its VMs hard-stopped and "unknown", requests to
// it 595; three of five lost: no quorum, writes refused.
func TestLoseNode(t *testing.T) {
	m := &recorder{}
	opts := fiveNodes()
	opts.Machines = m
	f, c := start(t, opts)
	id := clone(t, c, 9001, proxmox.VirtualMachineCloneOptions{Name: "w", Target: "pve2"})
	task, err := c.NodeRef("pve2").VirtualMachineRef(id).Start(ctx(t))
	must(t, err)
	must(t, wait(t, task))
	must(t, f.LoseNode("pve2"))
	if got := m.log(); got[len(got)-1] != "stop 100" {
		t.Errorf("machine calls = %q, want a hard stop of 100", got)
	}
	_, err = c.NodeRef("pve2").VirtualMachine(ctx(t), id)
	if !proxmox.IsNodeUnreachable(err) {
		t.Errorf("request to a lost node: %v, want 595", err)
	}
	cl, err := c.Cluster(ctx(t))
	must(t, err)
	rs, err := cl.Resources(ctx(t))
	must(t, err)
	for _, r := range rs {
		if (r.ID == "node/pve2" && r.Status != "offline") || (r.ID == "qemu/100" && r.Status != "unknown") {
			t.Errorf("resource %s status %q", r.ID, r.Status)
		}
	}
	must(t, f.LoseNode("pve3"))
	must(t, f.LoseNode("pve4"))
	if cl, _ := c.Cluster(ctx(t)); cl.Quorate != 0 {
		t.Error("quorate with 2 of 5 nodes")
	}
	_, _, err = c.NodeRef("pve1").VirtualMachineRef(9001).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 200})
	apiError(t, err, 500, "cluster not ready - no quorum?")
	must(t, f.RestoreNode("pve2"))
	if vm, _ := f.VM(id); vm.Status != "stopped" {
		t.Errorf("VM on a restored node = %q, want stopped", vm.Status)
	}
}
