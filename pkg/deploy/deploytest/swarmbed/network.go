package swarmbed

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"strings"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Addresses on the bed's /24: the registry and the nodes have fixed ones,
// because a swarm manager's advertise address must not change when its
// container restarts (the engine hands out dynamic addresses in turn, so a
// restarted container would get a new one). Fixed addresses need a subnet
// chosen by us.
const (
	registryHost  = 2
	firstNodeHost = 10
	// maxNodes is how many nodes a bed can have in its life (Start's and
	// AddNode's; addresses are not reused).
	maxNodes = 255 - firstNodeHost
)

// createNetwork creates the bed's bridge network on a free 192.168.X.0/24.
// 192.168/16 rather than 10/8, which swarm uses for overlay networks inside
// the nodes, or 172.16/12, where the inner engines put docker0 and
// docker_gwbridge.
func (b *Bed) createNetwork(ctx context.Context) error {
	local := localPrefixes()
	var lastErr error
	for range 20 {
		n, err := rand.Int(rand.Reader, big.NewInt(150))
		if err != nil {
			return err
		}
		subnet := netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(100 + n.Int64()), 0}), 24)
		if overlapsAny(subnet, local) {
			continue
		}
		_, err = b.host.NetworkCreate(ctx, b.Network, client.NetworkCreateOptions{
			Driver: "bridge",
			IPAM:   &network.IPAM{Config: []network.IPAMConfig{{Subnet: subnet}}},
			Labels: b.labels("network"),
		})
		if err == nil {
			b.Subnet = subnet.String()
			b.logf("network %s on %s", b.Network, b.Subnet)
			return nil
		}
		// Another network (another bed, a user's) already has it: try another.
		if !strings.Contains(err.Error(), "overlaps") {
			return fmt.Errorf("create network %s: %w", b.Network, err)
		}
		lastErr = err
	}
	return fmt.Errorf("create network %s: no free 192.168.X.0/24 found: %v", b.Network, lastErr)
}

// hostAddr returns the address of host number n on the bed's subnet.
func (b *Bed) hostAddr(n int) netip.Addr {
	a := netip.MustParsePrefix(b.Subnet).Addr().As4()
	a[3] = byte(n)
	return netip.AddrFrom4(a)
}

// localPrefixes are this machine's interface networks, which a bed network
// must not shadow (the engine checks its own networks, not the host's
// routes).
func localPrefixes() []netip.Prefix {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Prefix
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if p, err := netip.ParsePrefix(n.String()); err == nil {
				out = append(out, p.Masked())
			}
		}
	}
	return out
}

func overlapsAny(p netip.Prefix, others []netip.Prefix) bool {
	for _, o := range others {
		if p.Overlaps(o) {
			return true
		}
	}
	return false
}
