package proxmox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmfake"
)

// testKey is the SSH public key the tests' VMs get.
const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl gazr@test"

// cluster is an env "pve" of the proxmox backend on a fake PVE API
// (pvefake over TLS, the real go-proxmox client, the fake's CA trusted)
// whose VMs' engines are machines of an in-memory swarm (swarmfake):
// dialling a running VM's address reaches the machine of that address,
// made on first dial with the VM's name as its hostname (cloud-init sets
// it so). The fake has no Machines: a started VM has a 10.10.x.y
// address, which its guest agent reports at once.
type cluster struct {
	t   *testing.T
	f   *pvefake.Fake
	sw  *swarmfake.Swarm
	b   *Backend
	log *syncLog

	mu       sync.Mutex
	machines map[string]*swarmfake.Engine // by address
	dialed   []string                     // the VMs dialled, "VM 100 (pve-manager-1)"
	refuse   map[string]error             // dialling the VM of this address fails
}

// fiveNodes is the PVE cluster: five nodes, a template per role
// on pve1, a pool.
func fiveNodes() pvefake.Options {
	return pvefake.Options{
		Nodes: []string{"pve1", "pve2", "pve3", "pve4", "pve5"},
		Pools: []string{"gazr"},
		Templates: []pvefake.Template{
			{VMID: 9000, Name: "swarm-manager-tpl", Node: "pve1"},
			{VMID: 9001, Name: "swarm-worker-tpl", Node: "pve1"},
		},
	}
}

// newCluster serves a fake with opts and returns the env on it; edit
// changes the env's [env.pve.proxmox] table (default: the CA trusted,
// cluster_tag gazr-pve, the templates 9000 and 9001, ssh_user debian, a
// registry).
func newCluster(t *testing.T, opts pvefake.Options, edit func(*config.Proxmox)) *cluster {
	t.Helper()
	c := &cluster{t: t, f: pvefake.New(opts), sw: swarmfake.New(), log: &syncLog{},
		machines: map[string]*swarmfake.Engine{}, refuse: map[string]error{}}
	_, stop := c.f.Start()
	t.Cleanup(stop)
	ca := filepath.Join(t.TempDir(), "pve-root-ca.pem")
	if err := os.WriteFile(ca, c.f.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	p := config.Proxmox{URL: c.f.URL(), TokenEnv: "PVE_TOKEN", CA: ca, ClusterTag: "gazr-pve", Address: "agent",
		Template: config.Templates{Manager: 9000, Worker: 9001}, SSHUser: "debian", Registry: "registry.lan:5000"}
	if edit != nil {
		edit(&p)
	}
	c.b = c.backend(&p)
	return c
}

// backend is the env's backend with p, quick waits, the swarmfake's dial.
func (c *cluster) backend(p *config.Proxmox) *Backend {
	t := c.t
	b, err := New(deploy.BackendOptions{Env: &config.Environment{Name: "pve", Backend: "proxmox", Proxmox: p}, Log: c.log})
	if err != nil {
		t.Fatal(err)
	}
	be := b.(*Backend)
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "id_ed25519.pub"), []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	be.getenv = func(string) string { return pvefake.DefaultToken }
	be.home = func() (string, error) { return home, nil }
	be.poll = 5 * time.Millisecond
	be.timeouts = Timeouts{Task: 5 * time.Second, Address: 300 * time.Millisecond, Shutdown: time.Second, Request: 5 * time.Second}
	be.dial = c.dial
	return be
}

// dial reaches the engine of the VM that ep names ("VM 100 (name) ip"):
// the swarmfake machine of its address, if the VM runs.
func (c *cluster) dial(ctx context.Context, ep deploy.Endpoint, manager bool) (deploy.SwarmAPI, error) {
	var id int
	var name, ip string
	if _, err := fmt.Sscanf(ep.Host, "VM %d (%s %s", &id, &name, &ip); err != nil {
		return nil, fmt.Errorf("test dial: endpoint %q: %v", ep.Host, err)
	}
	name = strings.TrimSuffix(name, ")")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dialed = append(c.dialed, fmt.Sprintf("VM %d (%s)", id, name))
	if err := c.refuse[ip]; err != nil {
		return nil, err
	}
	if v, ok := c.f.VM(id); !ok || v.Status != "running" || v.IP != ip {
		return nil, fmt.Errorf("ssh %s: connect to host %s port 22: No route to host", ip, ip)
	}
	m := c.machines[ip]
	if m == nil {
		m = c.sw.Machine(name, ip)
		c.machines[ip] = m
	}
	if manager {
		info, _ := m.Info(ctx, client.InfoOptions{})
		if !info.Info.Swarm.ControlAvailable {
			return nil, errors.New("answers, but is a swarm worker, not a manager")
		}
	}
	return m, nil
}

// vms are the fake's VMs that are not templates.
func (c *cluster) vms() []pvefake.VM {
	var out []pvefake.VM
	for _, v := range c.f.VMs() {
		if !v.Template {
			out = append(out, v)
		}
	}
	return out
}

// calls counts the API requests answered since the last ResetCalls, by
// "METHOD /path" with VM ids, node names and UPIDs made generic.
func (c *cluster) calls() map[string]int {
	out := map[string]int{}
	for _, call := range c.f.Calls() {
		out[call.Method+" "+genericPath(call.Path)]++
	}
	return out
}

// genericPath writes a path's node names, VM ids and UPIDs as {node},
// {vmid} and {upid}.
func genericPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		switch {
		case i > 0 && parts[i-1] == "nodes":
			parts[i] = "{node}"
		case i > 0 && parts[i-1] == "qemu":
			parts[i] = "{vmid}"
		case strings.HasPrefix(s, "UPID:"):
			parts[i] = "{upid}"
		}
	}
	return strings.Join(parts, "/")
}

// total is the number of requests in calls.
func total(calls map[string]int) int {
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}

// syncLog is the backend's progress output, written from several
// goroutines.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testCtx bounds a call of a test.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// swarmMachine is a VM's engine in the tests.
type swarmMachine = swarmfake.Engine

// isSetup says whether err is a set-up error (exit 2).
func isSetup(err error) bool { return errors.Is(err, deploy.ErrSetup) }
