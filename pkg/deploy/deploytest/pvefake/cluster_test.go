package pvefake_test

import (
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	proxmox "github.com/luthermonson/go-proxmox"
)

// Version, cluster status, nodes, a node's status.
func TestClusterAndNodes(t *testing.T) {
	_, c := start(t, fiveNodes())
	v, err := c.Version(ctx(t))
	must(t, err)
	if v.Release != "9.0" || v.Version == "" {
		t.Errorf("version = %+v", v)
	}
	cl, err := c.Cluster(ctx(t))
	must(t, err)
	if cl.Name != "gazr" || cl.Quorate != 1 || len(cl.Nodes) != 5 || cl.Nodes[0].Status != "online" || cl.Nodes[0].Local != 1 {
		t.Errorf("cluster = %+v (nodes %+v)", cl, cl.Nodes[0])
	}
	ns, err := c.Nodes(ctx(t))
	must(t, err)
	if len(ns) != 5 || ns[4].Node != "pve5" || ns[4].Status != "online" || ns[4].MaxCPU != 16 || ns[4].MaxMem != 64<<30 {
		t.Errorf("nodes = %+v", ns[4])
	}
	n, err := c.Node(ctx(t), "pve2")
	must(t, err)
	if n.Memory.Total != 64<<30 || n.CPUInfo.CPUs != 16 || n.Uptime == 0 || n.PVEVersion == "" {
		t.Errorf("node status = %+v", n)
	}
	_, err = c.NodeRef("pve9").VirtualMachines(ctx(t))
	apiError(t, err, 500, "hostname lookup 'pve9' failed")
}

// Resources: VMs with tags, pool, status, maxmem and maxcpu, nodes;
// the type filter; pools and their members.
func TestResourcesAndPools(t *testing.T) {
	_, c := start(t, fiveNodes())
	id := clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{Name: "m1", Pool: "gazr", Target: "pve2"})
	must(t, c.NodeRef("pve2").VirtualMachineRef(id).ConfigSync(ctx(t),
		proxmox.VirtualMachineOption{Name: "tags", Value: "swarm-manager;gazr-prod"}))
	task, err := c.NodeRef("pve2").VirtualMachineRef(id).Start(ctx(t))
	must(t, err)
	must(t, wait(t, task))
	cl, err := c.Cluster(ctx(t))
	must(t, err)
	vms, err := cl.Resources(ctx(t), "vm")
	must(t, err)
	if len(vms) != 3 {
		t.Fatalf("vm resources = %d, want 3", len(vms))
	}
	r := vms[0]
	if r.ID != "qemu/100" || r.Type != "qemu" || r.Node != "pve2" || r.Status != "running" || r.Tags != "gazr-prod;swarm-manager" ||
		r.Pool != "gazr" || r.MaxMem != 2048<<20 || r.MaxCPU != 2 || r.Template != 0 || r.Name != "m1" {
		t.Errorf("resource = %+v", r)
	}
	if vms[1].VMID != 9000 || vms[1].Template != 1 {
		t.Errorf("template resource = %+v", vms[1])
	}
	nodes, err := cl.Resources(ctx(t), "node")
	must(t, err)
	if len(nodes) != 5 || nodes[1].Node != "pve2" || nodes[1].Mem <= nodes[0].Mem {
		t.Errorf("node resources = %+v, want pve2 using more memory than pve1", nodes)
	}
	all, err := cl.Resources(ctx(t))
	must(t, err)
	if len(all) != 1+3+5 || all[0].Type != "pool" {
		t.Errorf("all resources = %d (first %+v), want pool, VMs, nodes", len(all), all[0])
	}
	_, err = cl.Resources(ctx(t), "lxc")
	e := apiError(t, err, 400, "Parameter verification failed.")
	if e.Errors["type"] != "value 'lxc' does not have a value in the enumeration 'vm, storage, node, sdn'" {
		t.Errorf("errors = %q", e.Errors)
	}
	pool, err := c.Pool(ctx(t), "gazr")
	must(t, err)
	if len(pool.Members) != 1 || pool.Members[0].VMID != 100 {
		t.Errorf("pool = %+v", pool)
	}
	_, err = c.Pool(ctx(t), "nope")
	apiError(t, err, 500, "pool 'nope' does not exist")
	must(t, c.NewPool(ctx(t), "other", "another env"))
	pools, err := c.Pools(ctx(t))
	must(t, err)
	if len(pools) != 2 || pools[1].PoolID != "other" || pools[1].Comment != "another env" {
		t.Errorf("pools = %+v", pools)
	}
}

// nextid: the lowest free id; a given id checked.
func TestNextID(t *testing.T) {
	_, c := start(t, fiveNodes())
	clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{NewID: 100})
	clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{NewID: 102})
	cl, _ := c.Cluster(ctx(t))
	if next, err := cl.NextID(ctx(t)); err != nil || next != 101 {
		t.Errorf("NextID = %d, %v; want 101", next, err)
	}
	if free, err := cl.CheckID(ctx(t), 102); err != nil || free {
		t.Errorf("CheckID(102) = %v, %v; want taken", free, err)
	}
	_, _, err := c.NodeRef("pve1").VirtualMachineRef(9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 102})
	apiError(t, err, 500, "unable to create VM 102: config file already exists")
	_, _, err = c.NodeRef("pve1").VirtualMachineRef(9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 99})
	if e := apiError(t, err, 400, "Parameter verification failed."); e.Errors["newid"] != "value must have a minimum value of 100" {
		t.Errorf("errors = %q", e.Errors)
	}
}

// The token's permissions; VMs added to a pool and moved out of it.
func TestPermissionsAndPoolUpdate(t *testing.T) {
	opts := fiveNodes()
	opts.Tokens = []pvefake.Token{{ID: "gazr@pve!ops", Secret: "s", Privs: []string{"VM.Audit", "Pool.Allocate", "Pool.Audit"}}}
	f := pvefake.New(opts)
	_, closeFn := f.Start()
	t.Cleanup(closeFn)
	c := client(t, f, "gazr@pve!ops", "s")
	perms, err := c.Permissions(ctx(t), nil)
	must(t, err)
	if len(perms["/"]) != 3 || !bool(perms["/"]["Pool.Allocate"]) {
		t.Errorf("permissions = %+v", perms)
	}
	must(t, c.Put(ctx(t), "/pools", map[string]any{"poolid": "gazr", "vms": "9000,9001"}, nil))
	if vm, _ := f.VM(9001); vm.Pool != "gazr" {
		t.Errorf("pool of 9001 = %q", vm.Pool)
	}
	must(t, c.NewPool(ctx(t), "other", ""))
	err = c.Put(ctx(t), "/pools", map[string]any{"poolid": "other", "vms": "9000"}, nil)
	apiError(t, err, 500, "VM 9000 belongs already to pool 'gazr'")
	must(t, c.Put(ctx(t), "/pools", map[string]any{"poolid": "other", "vms": "9000", "allow-move": true}, nil))
	must(t, c.Put(ctx(t), "/pools", map[string]any{"poolid": "gazr", "vms": "9001", "delete": 1}, nil))
	if a, _ := f.VM(9000); a.Pool != "other" {
		t.Errorf("pool of 9000 = %q, want other", a.Pool)
	}
	if b, _ := f.VM(9001); b.Pool != "" {
		t.Errorf("pool of 9001 = %q, want none", b.Pool)
	}
}

// Clones and starts from many clients at once, each VM's tasks in order.
func TestConcurrentClones(t *testing.T) {
	f, c := start(t, fiveNodes())
	errs := make(chan error, 10)
	for i := range 10 {
		go func() {
			id := 200 + i
			node := []string{"pve1", "pve2", "pve3", "pve4", "pve5"}[i%5]
			_, task, err := c.NodeRef("pve1").VirtualMachineRef(9001).Clone(ctx(t),
				&proxmox.VirtualMachineCloneOptions{NewID: id, Target: node, Pool: "gazr"})
			if err == nil {
				err = task.Wait(ctx(t), 5*time.Millisecond, 10*time.Second)
			}
			if err == nil {
				task, err = c.NodeRef(node).VirtualMachineRef(id).Start(ctx(t))
			}
			if err == nil {
				err = task.Wait(ctx(t), 5*time.Millisecond, 10*time.Second)
			}
			errs <- err
		}()
	}
	for range 10 {
		must(t, <-errs)
	}
	running := 0
	for _, vm := range f.VMs() {
		if vm.Status == "running" && vm.Pool == "gazr" {
			running++
		}
	}
	if running != 10 {
		t.Errorf("running VMs in the pool = %d, want 10", running)
	}
}
