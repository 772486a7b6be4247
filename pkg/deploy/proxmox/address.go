package proxmox

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	pve "github.com/luthermonson/go-proxmox"
)

// address is where gazr reaches v: the guest agent's first IPv4 address
// on an interface that is not Docker's, or ipconfig0's ip=, as address
// says in the table.
func (b *Backend) address(ctx context.Context, c *pve.Client, v vm) (string, error) {
	if b.cfg.Address == "ipconfig" {
		var cfg pve.VirtualMachineConfig
		if err := c.Get(ctx, fmt.Sprintf("/nodes/%s/qemu/%d/config", v.Node, v.ID), &cfg); err != nil {
			return "", b.explain(fmt.Sprintf("read the config of %s", v), err)
		}
		ip, ok := ipconfigAddress(cfg.IPConfigs["ipconfig0"])
		if !ok {
			return "", fmt.Errorf("%s has no static address in ipconfig0 (%q): set ip=<address>/<prefix> there, or address = \"agent\" in [env.%s.proxmox]",
				v, cfg.IPConfigs["ipconfig0"], b.env.Name)
		}
		return ip, nil
	}
	ifaces, err := v.ref(c).AgentGetNetworkIFaces(ctx)
	if err != nil {
		return "", b.explain(fmt.Sprintf("ask the guest agent of %s for its addresses", v), err)
	}
	if ip := pickAddress(ifaces); ip != "" {
		return ip, nil
	}
	return "", fmt.Errorf("the guest agent of %s reports no IPv4 address yet", v)
}

// pickAddress is the first IPv4 address, not loopback nor link-local, of
// an interface that is not a bridge or veth of Docker's.
func pickAddress(ifaces []*pve.AgentNetworkIface) string {
	for _, in := range ifaces {
		if in == nil || in.Name == "lo" || hasAnyPrefix(in.Name, "docker", "br-", "veth", "virbr", "cni", "flannel", "cali", "vxlan", "tun", "wg") {
			continue
		}
		for _, a := range in.IPAddresses {
			ip, err := netip.ParseAddr(a.IPAddress)
			if err == nil && ip.Is4() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() {
				return ip.String()
			}
		}
	}
	return ""
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// ipconfigAddress reads the address of a cloud-init ipconfig
// ("ip=10.0.0.5/24,gw=10.0.0.1"); not for dhcp.
func ipconfigAddress(s string) (string, bool) {
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		if k != "ip" {
			continue
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return "", false
			}
			return a.String(), true
		}
		return p.Addr().String(), true
	}
	return "", false
}

// awaitAddress polls v's address until it has one, within
// b.timeouts.Address: the VM boots, cloud-init runs, the agent starts.
func (b *Backend) awaitAddress(ctx context.Context, c *pve.Client, v vm) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, b.timeouts.Address)
	defer cancel()
	last := errors.New("no answer")
	for {
		ip, err := b.address(ctx, c, v)
		switch {
		case err == nil:
			return ip, nil
		case ctx.Err() == nil:
			last = err // not the deadline's own error
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return "", b.noAddress(v, last)
			}
			return "", fmt.Errorf("env %s: waiting for the address of %s: %w", b.env.Name, v, ctx.Err())
		case <-time.After(b.poll):
		}
	}
}

// noAddress says a VM never reported an address, and what to check.
func (b *Backend) noAddress(v vm, last error) error {
	check := "check that qemu-guest-agent is installed and enabled in the VM's template (systemctl enable qemu-guest-agent) and the VM's Options → QEMU Guest Agent is on, and that the VM gets an address (DHCP, or ipconfig0)"
	if b.cfg.Address == "ipconfig" {
		check = "check ipconfig0 of the VM (Cloud-Init → IP Config)"
	}
	check += fmt.Sprintf(", or raise boot_timeout in [env.%s.proxmox] if it boots slower", b.env.Name)
	return fmt.Errorf("env %s: %s reported no address within %s (last: %s): %s", b.env.Name, v, b.timeouts.Address, strings.TrimPrefix(oneLine(last.Error()), "env "+b.env.Name+": "), check)
}

// awaitAddresses waits for the addresses of vms at once; the error of
// the first VM that has none, if any (one line).
func (b *Backend) awaitAddresses(ctx context.Context, c *pve.Client, vms []vm) (map[int]string, error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	out, errs := map[int]string{}, make([]error, len(vms))
	for i, v := range vms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ip, err := b.awaitAddress(ctx, c, v)
			mu.Lock()
			defer mu.Unlock()
			out[v.ID], errs[i] = ip, err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
