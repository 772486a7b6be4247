package pvebed

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
)

// machines run the fake's VMs on the swarmbed: a VM is a node. It is the
// fake's pvefake.Machines.
type machines struct {
	bed *Bed

	mu   sync.Mutex
	byID map[int]*machine
}

// machine is the node of a VM.
type machine struct {
	manager bool // cloned from the manager template
	node    int  // swarmbed index; -1 until the VM's first start
}

var _ pvefake.Machines = (*machines)(nil)

// Create records the VM's machine. Its node is made at its first start:
// swarmbed makes a node by starting it (its engine must answer to load
// the images), so a clone never started costs nothing.
func (m *machines) Create(ctx context.Context, vm pvefake.VM, template int) error {
	var manager bool
	switch template {
	case ManagerTemplate:
		manager = true
	case WorkerTemplate:
	default:
		return fmt.Errorf("template %d has no image (want %d or %d)", template, ManagerTemplate, WorkerTemplate)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byID[vm.VMID] = &machine{manager: manager, node: -1}
	return nil
}

// node returns the VM's machine.
func (m *machines) machine(vmid int) (*machine, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mc, ok := m.byID[vmid]
	if !ok {
		return nil, fmt.Errorf("VM %d has no machine", vmid)
	}
	return mc, nil
}

// Start boots the VM's node (made at the first start, started again
// after), then gives root the VM's cloud-init sshkeys, as cloud-init
// does at boot: the node accepts those keys and no other.
func (m *machines) Start(ctx context.Context, vmid int) (string, error) {
	mc, err := m.machine(vmid)
	if err != nil {
		return "", err
	}
	sw := m.bed.Swarm
	m.mu.Lock()
	i := mc.node
	m.mu.Unlock()
	vm, _ := m.bed.Fake.VM(vmid)
	if i < 0 {
		// cloud-init names the machine after the VM at its first boot.
		n, err := sw.AddNodeAs(ctx, mc.manager, vm.Name)
		if err != nil {
			return "", err
		}
		m.mu.Lock()
		mc.node, i = n.Index, n.Index
		m.mu.Unlock()
		m.bed.logf("VM %d: node %s (%s)", vmid, n.Name, n.Addr)
	} else if err := sw.StartNode(ctx, i); err != nil {
		return "", err
	}
	keys := strings.Join(vm.SSHKeys, "\n")
	if out, err := sw.Exec(ctx, i, []string{"KEYS=" + keys}, "sh", "-c",
		`mkdir -p "$HOME/.ssh" && printf '%s\n' "$KEYS" >"$HOME/.ssh/authorized_keys" && chmod 600 "$HOME/.ssh/authorized_keys"`); err != nil {
		return "", fmt.Errorf("VM %d: cloud-init sshkeys: %w: %s", vmid, err, out)
	}
	n, _ := sw.Node(i)
	return n.Addr, nil
}

// Stop kills the VM's node (SIGKILL).
func (m *machines) Stop(ctx context.Context, vmid int) error {
	return m.stop(ctx, vmid, m.bed.Swarm.StopNode)
}

// Shutdown stops the VM's node cleanly.
func (m *machines) Shutdown(ctx context.Context, vmid int) error {
	return m.stop(ctx, vmid, m.bed.Swarm.ShutdownNode)
}

func (m *machines) stop(ctx context.Context, vmid int, stop func(context.Context, int) error) error {
	mc, err := m.machine(vmid)
	if err != nil {
		return err
	}
	m.mu.Lock()
	i := mc.node
	m.mu.Unlock()
	if i < 0 {
		return nil // never started
	}
	return stop(ctx, i)
}

// Destroy removes the VM's node; its swarm node stays, Down, until
// someone removes it.
func (m *machines) Destroy(ctx context.Context, vmid int) error {
	mc, err := m.machine(vmid)
	if err != nil {
		return err
	}
	m.mu.Lock()
	i := mc.node
	delete(m.byID, vmid)
	m.mu.Unlock()
	if i < 0 {
		return nil
	}
	n, _ := m.bed.Swarm.Node(i)
	return m.bed.Swarm.RemoveNode(ctx, n.Name)
}

// nodeOf returns the swarmbed index of VM vmid's node.
func (m *machines) nodeOf(vmid int) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mc, ok := m.byID[vmid]
	if !ok || mc.node < 0 {
		return 0, false
	}
	return mc.node, true
}
