package pvefake_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	proxmox "github.com/luthermonson/go-proxmox"
)

// The path of a VM from the template to an address: clone (next free id)
// → wait → cloud-init config → start → the guest agent's interfaces.
func TestCloneConfigStartAgent(t *testing.T) {
	opts := fiveNodes()
	opts.AgentDelay = 300 * time.Millisecond
	f, c := start(t, opts)
	cl, err := c.Cluster(ctx(t))
	must(t, err)
	if next, err := cl.NextID(ctx(t)); err != nil || next != 100 {
		t.Fatalf("NextID = %d, %v; want 100", next, err)
	}
	id := clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{Name: "swarm-manager-1", Target: "pve3", Pool: "gazr"})
	if id != 100 {
		t.Fatalf("clone id = %d, want 100 (cluster/nextid)", id)
	}
	v := vmOn(t, c, "pve3", id)
	if v.Name != "swarm-manager-1" || v.Status != "stopped" || bool(v.Template) || v.VirtualMachineConfig.Lock != "" {
		t.Fatalf("clone = %+v", v)
	}
	if !strings.Contains(v.VirtualMachineConfig.SCSIs["scsi0"], "base-9000-disk-0/vm-100-disk-0") {
		t.Errorf("scsi0 = %q, want a linked clone of the template's base disk", v.VirtualMachineConfig.SCSIs["scsi0"])
	}
	task, err := v.Config(ctx(t),
		proxmox.VirtualMachineOption{Name: "ciuser", Value: "gazr"},
		proxmox.VirtualMachineOption{Name: "sshkeys", Value: proxmox.EncodeSSHKeys(testKey)},
		proxmox.VirtualMachineOption{Name: "ipconfig0", Value: "ip=dhcp"},
		proxmox.VirtualMachineOption{Name: "tags", Value: "gazr-prod;Manager"},
		proxmox.VirtualMachineOption{Name: "cores", Value: 4},
		proxmox.VirtualMachineOption{Name: "memory", Value: 4096},
	)
	must(t, err)
	must(t, wait(t, task))
	must(t, v.Ping(ctx(t)))
	cfg := v.VirtualMachineConfig
	if cfg.CIUser != "gazr" || cfg.IPConfigs["ipconfig0"] != "ip=dhcp" || *cfg.Cores != 4 || cfg.Memory != 4096 {
		t.Errorf("config = ciuser %q ipconfig0 %q cores %d memory %d", cfg.CIUser, cfg.IPConfigs["ipconfig0"], *cfg.Cores, cfg.Memory)
	}
	if keys, _ := url.PathUnescape(cfg.SSHKeys); keys != testKey {
		t.Errorf("sshkeys = %q, decoded %q; want the key, URL-encoded", cfg.SSHKeys, keys)
	}
	if cfg.Tags != "gazr-prod;manager" {
		t.Errorf("tags = %q, want PVE's lower-cased sorted gazr-prod;manager", cfg.Tags)
	}
	if _, err := v.AgentGetNetworkIFaces(ctx(t)); err != nil {
		apiError(t, err, 500, "VM 100 is not running")
	} else {
		t.Fatal("agent of a stopped VM answered")
	}
	task, err = v.Start(ctx(t))
	must(t, err)
	must(t, wait(t, task))
	_, err = v.AgentGetNetworkIFaces(ctx(t))
	apiError(t, err, 500, "QEMU guest agent is not running")
	must(t, v.WaitForAgent(ctx(t), 5))
	ifaces, err := v.AgentGetNetworkIFaces(ctx(t))
	must(t, err)
	vm, _ := f.VM(id)
	if len(ifaces) != 1 || ifaces[0].Name != "eth0" || ifaces[0].IPAddresses[0].IPAddress != vm.IP || vm.IP == "" {
		t.Fatalf("interfaces = %+v, want eth0 with %q", ifaces, vm.IP)
	}
	if vm.Status != "running" || vm.Node != "pve3" || vm.Pool != "gazr" || vm.CIUser != "gazr" || !slices.Equal(vm.SSHKeys, []string{testKey}) {
		t.Errorf("VM = %+v", vm)
	}
}

// Stop, start, shutdown and delete, each a task; a running VM cannot be
// deleted; a deleted VM is gone ("does not exist") and leaves its pool.
func TestPowerAndDelete(t *testing.T) {
	f, c := start(t, fiveNodes())
	id := clone(t, c, 9001, proxmox.VirtualMachineCloneOptions{Name: "w1", Pool: "gazr"})
	v := c.NodeRef("pve1").VirtualMachineRef(id)
	for _, op := range []func() (*proxmox.Task, error){
		func() (*proxmox.Task, error) { return v.Start(ctx(t)) },
		func() (*proxmox.Task, error) { return v.Stop(ctx(t)) },
		func() (*proxmox.Task, error) { return v.Stop(ctx(t)) }, // stopping a stopped VM is fine
		func() (*proxmox.Task, error) { return v.Start(ctx(t)) },
		func() (*proxmox.Task, error) { return v.Reboot(ctx(t)) },
	} {
		task, err := op()
		must(t, err)
		must(t, wait(t, task))
	}
	task, err := v.Start(ctx(t))
	must(t, err)
	var tfe *proxmox.TaskFailedError
	if err := wait(t, task); !proxmox.IsTaskFailed(err) || !strings.Contains(err.Error(), "VM 100 already running") {
		t.Fatalf("second start: %v (%T), want a failed task: already running", err, tfe)
	}
	_, err = v.Delete(ctx(t), &proxmox.VirtualMachineDeleteOptions{Purge: true})
	apiError(t, err, 500, "VM 100 is running - destroy failed")
	task, err = v.Shutdown(ctx(t))
	must(t, err)
	must(t, wait(t, task))
	task, err = v.Delete(ctx(t), &proxmox.VirtualMachineDeleteOptions{Purge: true})
	must(t, err)
	must(t, wait(t, task))
	if _, ok := f.VM(id); ok {
		t.Fatal("VM still there after delete")
	}
	_, err = c.NodeRef("pve1").VirtualMachine(ctx(t), id)
	apiError(t, err, 500, "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist")
	if !proxmox.IsNotFound(err) {
		t.Errorf("IsNotFound(%v) = false", err)
	}
	pool, err := c.Pool(ctx(t), "gazr")
	must(t, err)
	if len(pool.Members) != 0 {
		t.Errorf("pool members after delete = %+v", pool.Members)
	}
}

// A linked clone needs a template; a template cannot start; converting
// a VM makes it one.
func TestTemplates(t *testing.T) {
	_, c := start(t, fiveNodes())
	id := clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{Name: "full", Full: true})
	v := vmOn(t, c, "pve1", id)
	if !strings.HasPrefix(v.VirtualMachineConfig.SCSIs["scsi0"], "vmstore:vm-100-disk-0") {
		t.Errorf("full clone disk = %q", v.VirtualMachineConfig.SCSIs["scsi0"])
	}
	err := c.Post(ctx(t), "/nodes/pve1/qemu/100/clone", map[string]any{"newid": 101, "full": 0}, nil)
	apiError(t, err, 500, "Linked clone feature is not supported for 'vmstore:vm-100-disk-0' (scsi0)")
	tpl := c.NodeRef("pve1").VirtualMachineRef(9000)
	task, err := tpl.Start(ctx(t))
	must(t, err)
	if err := wait(t, task); err == nil || !strings.Contains(err.Error(), "you can't start a vm if it's a template") {
		t.Fatalf("start of a template: %v", err)
	}
	task, err = v.ConvertToTemplate(ctx(t))
	must(t, err)
	must(t, wait(t, task))
	v = vmOn(t, c, "pve1", id)
	if !bool(v.Template) || !bool(v.VirtualMachineConfig.Template) {
		t.Fatalf("converted VM not a template: %+v", v)
	}
	linked := clone(t, c, id, proxmox.VirtualMachineCloneOptions{NewID: 150, Name: "linked"})
	if l := vmOn(t, c, "pve1", linked); !strings.Contains(l.VirtualMachineConfig.SCSIs["scsi0"], "base-100-disk-0/vm-150-disk-0") {
		t.Errorf("clone of converted template: scsi0 = %q", l.VirtualMachineConfig.SCSIs["scsi0"])
	}
}

// Machines see every VM operation; the agent reports the machine's IP.
func TestMachines(t *testing.T) {
	m := &recorder{ip: "172.30.0.7"}
	opts := fiveNodes()
	opts.Machines = m
	f, c := start(t, opts)
	id := clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{Name: "m1", Target: "pve2"})
	v := c.NodeRef("pve2").VirtualMachineRef(id)
	for _, op := range []func() (*proxmox.Task, error){
		func() (*proxmox.Task, error) { return v.Start(ctx(t)) },
		func() (*proxmox.Task, error) { return v.Shutdown(ctx(t)) },
		func() (*proxmox.Task, error) { return v.Start(ctx(t)) },
		func() (*proxmox.Task, error) { return v.Stop(ctx(t)) },
		func() (*proxmox.Task, error) { return v.Delete(ctx(t), nil) },
	} {
		task, err := op()
		must(t, err)
		must(t, wait(t, task))
	}
	want := []string{"create 100 m1 pve2 from 9000", "start 100", "shutdown 100", "start 100", "stop 100", "destroy 100"}
	if got := m.log(); !slices.Equal(got, want) {
		t.Fatalf("machine calls = %q, want %q", got, want)
	}
	if len(f.VMs()) != 2 {
		t.Errorf("VMs = %+v, want the two templates", f.VMs())
	}
}

var _ pvefake.Machines = (*recorder)(nil)
