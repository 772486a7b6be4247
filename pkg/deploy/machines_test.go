package deploy

import (
	"slices"
	"testing"
)

// TestJoinMachines: by hostname, else address; a Ready node before a
// Down one for a reused hostname; live machines not joined are appended,
// gone ones are not; a node without a machine is gone.
func TestJoinMachines(t *testing.T) {
	tests := []struct {
		name     string
		machines []Machine
		nodes    []Node
		want     []Node
	}{
		{"hostname then address",
			[]Machine{{ID: "101", Hostname: "s-manager-1", Addr: "10.0.0.1", State: MachineRunning, Manager: true, Group: "manager", Host: "pve1"},
				{ID: "102", Addr: "10.0.0.2", State: MachineStopped, Group: "worker", Host: "pve2"},
				{ID: "103", Hostname: "s-worker-2", State: MachinePending, Group: "worker", Host: "pve3"}},
			[]Node{{ID: "n1", Hostname: "s-manager-1", Addr: "192.0.2.9", Manager: true, Ready: true, Joined: true},
				{ID: "n2", Hostname: "other", Addr: "10.0.0.2", Joined: true},
				{ID: "n3", Hostname: "orphan", Addr: "10.0.0.9", Ready: true, Joined: true}},
			[]Node{{ID: "n1", Hostname: "s-manager-1", Addr: "192.0.2.9", Manager: true, Ready: true, Joined: true, Instance: "101", Machine: MachineRunning, Group: "manager", Host: "pve1"},
				{ID: "n2", Hostname: "other", Addr: "10.0.0.2", Joined: true, Instance: "102", Machine: MachineStopped, Group: "worker", Host: "pve2"},
				{ID: "n3", Hostname: "orphan", Addr: "10.0.0.9", Ready: true, Joined: true, Machine: MachineGone},
				{Hostname: "s-worker-2", Instance: "103", Machine: MachinePending, Group: "worker", Host: "pve3"}}},
		{"reused hostname",
			[]Machine{{ID: "old", Hostname: "h", State: MachineGone}, {ID: "new", Hostname: "h", State: MachineRunning}},
			[]Node{{ID: "down", Hostname: "h", Joined: true}, {ID: "ready", Hostname: "h", Ready: true, Joined: true}},
			[]Node{{ID: "down", Hostname: "h", Joined: true, Instance: "old", Machine: MachineGone},
				{ID: "ready", Hostname: "h", Ready: true, Joined: true, Instance: "new", Machine: MachineRunning}}},
	}
	for _, tt := range tests {
		if got := JoinMachines(tt.machines, tt.nodes); !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}
