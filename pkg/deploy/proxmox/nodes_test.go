package proxmox

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
)

// TestCheckHealthy: every finding of a healthy env is OK, in a few
// read-only requests.
func TestCheckHealthy(t *testing.T) {
	c := newCluster(t, fiveNodes(), nil)
	_, err := c.b.Up(testCtx(t), 3, 2)
	must(t, err)
	c.f.ResetCalls()
	fs, err := c.b.Check(testCtx(t))
	must(t, err)
	calls := c.calls()
	t.Logf("API calls of check: %d %v", total(calls), calls)
	want := map[string]string{
		"token":     "PVE_TOKEN holds an API token",
		"api":       "PVE 9.0.",
		"templates": "manager VM 9000 (swarm-manager-tpl) on pve1, worker VM 9001 (swarm-worker-tpl) on pve1",
		"vms":       "managers: 3 running; workers: 2 running",
		"manager":   "manager pve-manager-1 (10.10.0.11) answers: active swarm, 5 nodes, 3 managers",
		"registry":  "registry.lan:5000 with the docker CLI's credentials",
	}
	for _, f := range fs {
		if f.Level != deploy.OK || !strings.Contains(f.Detail, want[f.Name]) {
			t.Errorf("%s %s: %s (fix: %s); want OK with %q", f.Level, f.Name, f.Detail, f.Fix, want[f.Name])
		}
		delete(want, f.Name)
	}
	if len(want) > 0 {
		t.Errorf("no findings %v", want)
	}
	for k := range calls {
		if !strings.HasPrefix(k, "GET ") {
			t.Errorf("check made %d calls %s", calls[k], k)
		}
	}
}

// TestNodes: the swarm's nodes with their VMs (id, PVE node, role), then
// the env's VMs not joined: one whose node left and was removed, one
// stopped (its node down).
func TestNodes(t *testing.T) {
	c := newCluster(t, fiveNodes(), nil)
	_, err := c.b.Up(testCtx(t), 1, 3)
	must(t, err)
	nodes, err := c.b.Nodes(testCtx(t))
	must(t, err)
	if len(nodes) != 4 {
		t.Fatalf("%d nodes, want 4: %+v", len(nodes), nodes)
	}
	// pve-worker-2 leaves the swarm and its node is removed; pve-worker-3
	// is stopped hard.
	left := c.machine(t, "pve-worker-2")
	_, err = left.SwarmLeave(testCtx(t), client.SwarmLeaveOptions{})
	must(t, err)
	api, err := c.b.Manager(testCtx(t))
	must(t, err)
	list, err := deploy.ListNodes(testCtx(t), api)
	must(t, err)
	for _, n := range list {
		if n.Hostname == "pve-worker-2" {
			_, err = api.NodeRemove(testCtx(t), n.ID, client.NodeRemoveOptions{})
			must(t, err)
		}
	}
	must(t, c.b.StopNode(testCtx(t), "103"))
	c.f.ResetCalls()
	nodes, err = c.b.Nodes(testCtx(t))
	must(t, err)
	t.Logf("API calls of nodes: %d %v", total(c.calls()), c.calls())
	var got []string
	for _, n := range nodes {
		got = append(got, fmt.Sprintf("%s joined=%v manager=%v vm=%s %s on %s, %s", n.Hostname, n.Joined, n.Manager, n.Instance, n.Machine, n.Host, n.Group))
	}
	want := []string{
		"pve-manager-1 joined=true manager=true vm=100 running on pve1, manager",
		"pve-worker-1 joined=true manager=false vm=101 running on pve1, worker",
		"pve-worker-3 joined=true manager=false vm=103 stopped on pve3, worker",
		"pve-worker-2 joined=false manager=false vm=102 running on pve2, worker",
	}
	if !slices.Equal(got, want) {
		t.Errorf("nodes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// machine is the swarmfake machine of the VM named name.
func (c *cluster) machine(t *testing.T, name string) *swarmMachine {
	t.Helper()
	for _, v := range c.vms() {
		if v.Name == name {
			c.mu.Lock()
			defer c.mu.Unlock()
			if m := c.machines[v.IP]; m != nil {
				return m
			}
		}
	}
	t.Fatalf("no machine of VM %s", name)
	return nil
}

// TestUpPlacement: managers go to distinct PVE nodes among the targets
// online; when too few are left, nothing is cloned and the error says why.
func TestUpPlacement(t *testing.T) {
	c := newCluster(t, fiveNodes(), func(p *config.Proxmox) { p.Targets = []string{"pve2", "pve3", "pve4"} })
	must(t, c.f.LoseNode("pve3"))
	_, err := c.b.Up(testCtx(t), 3, 0)
	want := "env pve: no PVE node fits: 3 managers need 3 distinct PVE nodes (losing a host must not lose quorum), and 2 of the online targets (pve2, pve4) hold no manager yet; add PVE nodes to targets in [env.pve.proxmox], or ask for fewer managers"
	if err == nil || err.Error() != want || !isSetup(err) {
		t.Errorf("up 3 on 2 online targets: %v\nwant %s (set-up)", err, want)
	}
	if n := len(c.vms()); n != 0 {
		t.Errorf("%d VMs cloned", n)
	}
	if !strings.Contains(c.log.String(), "PVE node pve3 is not online: no VM goes there") {
		t.Errorf("log: %s", c.log)
	}
	must(t, c.f.RestoreNode("pve3"))
	_, err = c.b.Up(testCtx(t), 3, 0)
	must(t, err)
	var hosts []string
	for _, v := range c.vms() {
		hosts = append(hosts, v.Node)
	}
	if !slices.Equal(hosts, []string{"pve2", "pve3", "pve4"}) {
		t.Errorf("managers on %v", hosts)
	}
}

// TestScaleOut: workers 1 → 3 clones two VMs spread over the PVE nodes
// with the fewest workers, starts them and has them join; then 3 → 1
// drains, leaves and destroys two.
func TestScaleOut(t *testing.T) {
	c := newCluster(t, pvefake.Options{Nodes: []string{"pve1", "pve2", "pve3"},
		Templates: []pvefake.Template{{VMID: 9000, Name: "tpl", Node: "pve1"}, {VMID: 9001, Name: "tpl-w", Node: "pve1"}}}, nil)
	_, err := c.b.Up(testCtx(t), 1, 1)
	must(t, err)
	c.sw.AddService("web", 4)
	c.f.ResetCalls()
	must(t, c.b.ScaleNodes(testCtx(t), 3))
	t.Logf("API calls of scale 1 → 3: %d %v", total(c.calls()), c.calls())
	var got []string
	for _, v := range c.vms() {
		got = append(got, fmt.Sprintf("%d %s %s %s", v.VMID, v.Name, v.Node, v.Status))
	}
	want := []string{"100 pve-manager-1 pve1 running", "101 pve-worker-1 pve1 running", "102 pve-worker-2 pve2 running", "103 pve-worker-3 pve3 running"}
	if !slices.Equal(got, want) {
		t.Errorf("VMs after scale out:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n, m := swarmSize(t, c); n != 4 || m != 1 {
		t.Errorf("swarm of %d nodes, %d managers", n, m)
	}
	c.f.ResetCalls()
	must(t, c.b.ScaleNodes(testCtx(t), 1))
	t.Logf("API calls of scale 3 → 1: %d %v", total(c.calls()), c.calls())
	if n := len(c.vms()); n != 2 {
		t.Errorf("%d VMs after scale in, want 2", n)
	}
	if n, m := swarmSize(t, c); n != 2 || m != 1 {
		t.Errorf("swarm of %d nodes, %d managers after scale in", n, m)
	}
	running := 0
	for _, ts := range c.sw.Tasks() {
		running += len(ts)
	}
	if running != 4 {
		t.Errorf("%d tasks of web run, want 4", running)
	}
}
