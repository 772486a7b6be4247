package pvefake

import (
	"net"
	"strings"
	"time"
)

// agentVM is assert_agent_available: the VM, with an agent configured,
// running, and its agent answering.
func (f *Fake) agentVM(q *request) (*vm, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	agent := v.conf["agent"]
	if agent == "" || strings.HasPrefix(agent, "0") || strings.Contains(agent, "enabled=0") {
		return nil, fail("No QEMU guest agent configured")
	}
	if v.status != "running" {
		return nil, fail("VM %d is not running", v.id)
	}
	if v.noAgent || time.Now().Before(v.agentAt) {
		return nil, fail("QEMU guest agent is not running")
	}
	return v, nil
}

// StopAgent makes vmid's guest agent stop answering ("QEMU guest agent is
// not running") until the VM starts again: a VM that never reports its
// address.
func (f *Fake) StopAgent(vmid int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.vms[vmid]; ok {
		v.noAgent = true
	}
}

// getAgentInterfaces is network-get-interfaces: lo, and eth0 with the
// VM's address (a /24) and a link-local IPv6 address.
func (f *Fake) getAgentInterfaces(q *request) (any, *apiError) {
	v, e := f.agentVM(q)
	if e != nil {
		return nil, e
	}
	stats := map[string]any{"rx-bytes": 123456, "rx-packets": 1024, "rx-errs": 0, "rx-dropped": 0,
		"tx-bytes": 65432, "tx-packets": 512, "tx-errs": 0, "tx-dropped": 0}
	lo := map[string]any{
		"name": "lo", "hardware-address": "00:00:00:00:00:00", "statistics": stats,
		"ip-addresses": []map[string]any{
			{"ip-address-type": "ipv4", "ip-address": "127.0.0.1", "prefix": 8},
			{"ip-address-type": "ipv6", "ip-address": "::1", "prefix": 128},
		},
	}
	mac := v.mac()
	eth0 := map[string]any{
		"name": "eth0", "hardware-address": mac, "statistics": stats,
		"ip-addresses": []map[string]any{
			{"ip-address-type": "ipv4", "ip-address": v.ip, "prefix": 24},
			{"ip-address-type": "ipv6", "ip-address": linkLocal(mac), "prefix": 64},
		},
	}
	return map[string]any{"result": []map[string]any{lo, eth0}}, nil
}

// linkLocal is the EUI-64 link-local address of a MAC.
func linkLocal(mac string) string {
	hw, err := net.ParseMAC(mac)
	if err != nil || len(hw) != 6 {
		return "fe80::1"
	}
	return net.IP{0xfe, 0x80, 0, 0, 0, 0, 0, 0, hw[0] ^ 2, hw[1], hw[2], 0xff, 0xfe, hw[3], hw[4], hw[5]}.String()
}

func (f *Fake) getAgentOSInfo(q *request) (any, *apiError) {
	if _, e := f.agentVM(q); e != nil {
		return nil, e
	}
	return map[string]any{"result": map[string]any{
		"id": "debian", "name": "Debian GNU/Linux", "pretty-name": "Debian GNU/Linux 12 (bookworm)",
		"version": "12 (bookworm)", "version-id": "12", "machine": "x86_64",
		"kernel-release": "6.1.0-40-amd64", "kernel-version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.153-1 (2025-09-20)",
	}}, nil
}

func (f *Fake) getAgentHostName(q *request) (any, *apiError) {
	v, e := f.agentVM(q)
	if e != nil {
		return nil, e
	}
	return map[string]any{"result": map[string]any{"host-name": v.conf["name"]}}, nil
}

func (f *Fake) postAgentPing(q *request) (any, *apiError) {
	if _, e := f.agentVM(q); e != nil {
		return nil, e
	}
	return map[string]any{"result": map[string]any{}}, nil
}
