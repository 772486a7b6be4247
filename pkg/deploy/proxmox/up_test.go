package proxmox

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
)

// TestUp: on five PVE nodes, 3 managers and 2 workers are cloned from
// their templates, configured (cloud-init user and key, DHCP, the agent,
// the tags), started, and form one swarm; the managers are on three
// distinct PVE nodes, in the pool, named <env>-<role>-<i>.
func TestUp(t *testing.T) {
	c := newCluster(t, fiveNodes(), func(p *config.Proxmox) { p.Pool = "gazr" })
	changes, err := c.b.Up(testCtx(t), 3, 2)
	must(t, err)
	t.Logf("API calls of the first up: %d %v", total(c.calls()), c.calls())
	vms := c.vms()
	if len(vms) != 5 {
		t.Fatalf("%d VMs, want 5: %+v", len(vms), vms)
	}
	hosts := map[string]bool{}
	for _, v := range vms {
		role := "worker"
		if strings.Contains(v.Name, "-manager-") {
			role = "manager"
			hosts[v.Node] = true
		}
		want := []string{"gazr-" + role, "gazr-pve"} // as PVE stores them: sorted
		slices.Sort(want)
		if v.Status != "running" || !slices.Equal(v.Tags, want) || v.Pool != "gazr" || v.CIUser != "debian" ||
			!slices.Equal(v.SSHKeys, []string{testKey}) || v.IPConfig["ipconfig0"] != "ip=dhcp" || v.Source != map[string]int{"manager": 9000, "worker": 9001}[role] {
			t.Errorf("VM %d %s on %s: status %s, tags %q, pool %q, ciuser %q, keys %q, ipconfig %q, source %d",
				v.VMID, v.Name, v.Node, v.Status, v.Tags, v.Pool, v.CIUser, v.SSHKeys, v.IPConfig, v.Source)
		}
		if !strings.Contains(v.Config["description"], Marker("pve", role)) {
			t.Errorf("VM %d: description %q has no marker", v.VMID, v.Config["description"])
		}
	}
	if len(hosts) != 3 {
		t.Errorf("managers on PVE nodes %v, want 3 distinct", hosts)
	}
	names := []string{"pve-manager-1", "pve-manager-2", "pve-manager-3", "pve-worker-1", "pve-worker-2"}
	for i, v := range vms {
		if v.Name != names[i] {
			t.Errorf("VM %d is %s, want %s", v.VMID, v.Name, names[i])
		}
	}
	if n, m := swarmSize(t, c); n != 5 || m != 3 {
		t.Errorf("swarm of %d nodes, %d managers; want 5, 3", n, m)
	}
	for _, want := range []string{"cloned VM 100 (pve-manager-1), a manager on pve1", "started VM 104 (pve-worker-2)",
		"initialised the swarm on VM 100 (pve-manager-1) (10.10.", "VM 104 (pve-worker-2) joined the swarm as a worker"} {
		if !slices.ContainsFunc(changes, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no change %q in\n%s", want, strings.Join(changes, "\n"))
		}
	}
}

// swarmSize is the swarm's nodes and managers, as its first manager says.
func swarmSize(t *testing.T, c *cluster) (nodes, managers int) {
	t.Helper()
	api, err := c.b.Manager(testCtx(t))
	must(t, err)
	defer api.Close()
	list, err := api.NodeList(testCtx(t), nodeListAll)
	must(t, err)
	for _, n := range list.Items {
		if n.Spec.Role == "manager" {
			managers++
		}
	}
	return len(list.Items), managers
}

// TestUpAgain: a second Up clones, configures and starts nothing, joins
// nothing, and says nothing; it only reads.
func TestUpAgain(t *testing.T) {
	c := newCluster(t, fiveNodes(), nil)
	_, err := c.b.Up(testCtx(t), 3, 2)
	must(t, err)
	joins := c.sw.Joins()
	c.f.ResetCalls()
	changes, err := c.b.Up(testCtx(t), 3, 2)
	must(t, err)
	calls := c.calls()
	t.Logf("API calls of the second up: %d %v", total(calls), calls)
	if len(changes) != 0 {
		t.Errorf("second up changed %q", changes)
	}
	for k := range calls {
		if !strings.HasPrefix(k, "GET ") {
			t.Errorf("second up made %d calls %s", calls[k], k)
		}
	}
	if c.sw.Joins() != joins || len(c.vms()) != 5 {
		t.Errorf("second up: %d joins (was %d), %d VMs", c.sw.Joins(), joins, len(c.vms()))
	}
	// Fewer asked than there are: nothing is removed either.
	changes, err = c.b.Up(testCtx(t), 1, 0)
	if err != nil || len(changes) != 0 || len(c.vms()) != 5 {
		t.Errorf("up 1 0 on 3 2: changes %q, err %v, %d VMs", changes, err, len(c.vms()))
	}
}

// TestUpResume: a run interrupted at each point leaves VMs that the next
// run finds and finishes; nothing is cloned twice.
func TestUpResume(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault pvefake.Fault
		want  string // a change of the second run
	}{
		{"cloned, not configured", pvefake.Fault{Method: "POST", Path: "/nodes/*/qemu/102/config", Kind: pvefake.ServerError, Message: "got timeout", Count: 1},
			"tagged VM 102 (pve-manager-3) as a manager (an earlier run was interrupted)"},
		{"configured, not started", pvefake.Fault{Method: "POST", Path: "/nodes/*/qemu/103/status/start", Kind: pvefake.Unreachable, Count: 1},
			"started VM 103 (pve-worker-1)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, fiveNodes(), nil)
			c.f.Inject(tt.fault)
			if _, err := c.b.Up(testCtx(t), 3, 2); err == nil {
				t.Fatal("first up: no error")
			}
			before := len(c.vms())
			changes, err := c.b.Up(testCtx(t), 3, 2)
			must(t, err)
			assertUp(t, c, 3, 2)
			if !slices.Contains(changes, tt.want) {
				t.Errorf("second up: no %q in\n%s", tt.want, strings.Join(changes, "\n"))
			}
			t.Logf("%d VMs after the first run; the second: %s", before, strings.Join(changes, "; "))
		})
	}
}

// TestUpInterrupted: Ctrl-C while a clone's task runs; PVE's task goes
// on without gazr, and the next run, started at once, waits for the
// clone to end (the VM is locked, on its source node until then), tags
// it, clones the rest, and forms the swarm: five VMs, each cloned once.
func TestUpInterrupted(t *testing.T) {
	opts := fiveNodes()
	slow := &slowClone{vmid: 101, creating: make(chan struct{}), release: make(chan struct{})}
	opts.Machines = slow
	c := newCluster(t, opts, nil)
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() { _, err := c.b.Up(ctx, 3, 2); done <- err }()
	<-slow.creating // the second clone's task runs
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("interrupted up: %v", err)
	}
	if v, _ := c.f.VM(101); v.Lock != "clone" || v.Node != "pve1" {
		t.Fatalf("VM 101 after the interruption: lock %q on %s, want a clone to pve2 still running", v.Lock, v.Node)
	}
	go func() { _, err := c.b.Up(testCtx(t), 3, 2); done <- err }()
	waitFor(t, func() bool {
		return strings.Contains(c.log.String(), "VM 101 (pve-manager-2) is locked (clone) by a task still running, an earlier run's: waiting for it")
	})
	close(slow.release)
	must(t, <-done)
	assertUp(t, c, 3, 2)
	if v, _ := c.f.VM(101); v.Node != "pve2" {
		t.Errorf("VM 101 on %s, want pve2", v.Node)
	}
}

// slowClone are machines made at once but vmid's, whose creation waits
// for release (a long clone), saying when it starts on creating.
type slowClone struct {
	vmid              int
	creating, release chan struct{}
}

func (m *slowClone) Create(ctx context.Context, vm pvefake.VM, _ int) error {
	if vm.VMID != m.vmid {
		return nil
	}
	close(m.creating)
	select {
	case <-m.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
func (*slowClone) Start(context.Context, int) (string, error) { return "", nil }
func (*slowClone) Stop(context.Context, int) error            { return nil }
func (*slowClone) Shutdown(context.Context, int) error        { return nil }
func (*slowClone) Destroy(context.Context, int) error         { return nil }

// assertUp: the fake holds managers+workers VMs, each cloned once
// (qmclone tasks), running, tagged, and the swarm has them all.
func assertUp(t *testing.T, c *cluster, managers, workers int) {
	t.Helper()
	clones := 0
	for _, task := range c.f.Tasks() {
		if task.Type == "qmclone" && task.ExitStatus == "OK" {
			clones++
		}
	}
	vms := c.vms()
	if len(vms) != managers+workers || clones != len(vms) {
		t.Errorf("%d VMs, %d clones; want %d of each", len(vms), clones, managers+workers)
	}
	for _, v := range vms {
		if v.Status != "running" || len(v.Tags) != 2 {
			t.Errorf("VM %d %s: %s, tags %q", v.VMID, v.Name, v.Status, v.Tags)
		}
	}
	if n, m := swarmSize(t, c); n != managers+workers || m != managers {
		t.Errorf("swarm of %d nodes, %d managers; want %d, %d", n, m, managers+workers, managers)
	}
}

var nodeListAll = client.NodeListOptions{}

// waitFor polls cond until it holds, for 10 s at most.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("timed out waiting")
		}
	}
}

// TestUpTagCase: PVE stores tags in lower case (its default tag style),
// so a cluster_tag written with capitals comes back "gazr-pve"; the env's
// VMs are still found, and a second Up clones nothing.
func TestUpTagCase(t *testing.T) {
	c := newCluster(t, fiveNodes(), func(p *config.Proxmox) { p.ClusterTag = "Gazr-PVE" })
	_, err := c.b.Up(testCtx(t), 1, 1)
	must(t, err)
	for _, v := range c.vms() {
		if !slices.Contains(v.Tags, "gazr-pve") {
			t.Errorf("VM %d tags %q", v.VMID, v.Tags)
		}
	}
	changes, err := c.b.Up(testCtx(t), 1, 1)
	if err != nil || len(changes) != 0 || len(c.vms()) != 2 {
		t.Errorf("second up: changes %q, err %v, %d VMs", changes, err, len(c.vms()))
	}
}

// TestStartAlreadyRunning: a start whose task fails because the VM runs
// (a start an interrupted run had asked for ran first: PVE queues both)
// is no failure; a start that fails otherwise (a template) still is.
func TestStartAlreadyRunning(t *testing.T) {
	c := newCluster(t, fiveNodes(), nil)
	_, err := c.b.Up(testCtx(t), 1, 0)
	must(t, err)
	pc, err := c.b.client()
	must(t, err)
	v, err := c.b.findVM(testCtx(t), "100")
	must(t, err)
	v.Status = "stopped" // as the second run had listed it
	if err := c.b.start(testCtx(t), pc, v); err != nil {
		t.Errorf("start of a running VM: %v, want none", err)
	}
	tpl := vm{ID: 9000, Name: "swarm-manager-tpl", Template: true}
	for _, x := range c.f.VMs() {
		if x.VMID == 9000 {
			tpl.Node = x.Node
		}
	}
	if err := c.b.start(testCtx(t), pc, tpl); err == nil || !strings.Contains(err.Error(), "template") {
		t.Errorf("start of a template: %v, want its task's error", err)
	}
}
