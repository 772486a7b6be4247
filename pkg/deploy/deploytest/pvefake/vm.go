package pvefake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// storage is the one storage the fake's VM disks live on, shared by all
// nodes (as Ceph RBD would be), so a clone may go to any node.
const storage = "vmstore"

// vm is a VM's state: its config as PVE stores it (sshkeys URL-encoded,
// tags normalised) and its run state.
type vm struct {
	id      int
	node    string
	conf    map[string]string
	status  string // "running" or "stopped"
	pool    string
	source  int       // the VM it was cloned from
	ip      string    // the address the guest agent reports
	started time.Time // when it last started
	agentAt time.Time // the agent answers from then on (while running)
	noAgent bool      // StopAgent: the agent never answers until a new start
	pid     int
	machine bool // Machines.Create made its machine
}

// VM is a snapshot of a VM, for tests and the bed.
type VM struct {
	VMID     int
	Node     string
	Name     string
	Status   string // "running" or "stopped"
	Template bool
	Lock     string // "clone" while it is being cloned
	Pool     string
	Tags     []string
	Cores    int
	Memory   int // MiB
	CIUser   string
	SSHKeys  []string // decoded, one key a line
	IPConfig map[string]string
	// Config is the whole config as the API answers it (sshkeys
	// URL-encoded).
	Config map[string]string
	// IP is the address the guest agent reports once booted.
	IP     string
	Source int // the VM it was cloned from, 0 for none
}

func (v *vm) snapshot() VM {
	out := VM{
		VMID: v.id, Node: v.node, Name: v.conf["name"], Status: v.status,
		Template: v.conf["template"] == "1", Lock: v.conf["lock"], Pool: v.pool,
		Tags: splitList(v.conf["tags"]), CIUser: v.conf["ciuser"],
		Config: maps.Clone(v.conf), IP: v.ip, Source: v.source, IPConfig: map[string]string{},
	}
	out.Cores, _ = strconv.Atoi(v.conf["cores"])
	out.Memory, _ = strconv.Atoi(v.conf["memory"])
	if keys, err := url.PathUnescape(v.conf["sshkeys"]); err == nil && keys != "" {
		for _, k := range strings.Split(keys, "\n") {
			if strings.TrimSpace(k) != "" {
				out.SSHKeys = append(out.SSHKeys, k)
			}
		}
	}
	for k, val := range v.conf {
		if strings.HasPrefix(k, "ipconfig") {
			out.IPConfig[k] = val
		}
	}
	return out
}

// VMs returns every VM (templates included), by id.
func (f *Fake) VMs() []VM {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]int, 0, len(f.vms))
	for id := range f.vms {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := make([]VM, 0, len(ids))
	for _, id := range ids {
		out = append(out, f.vms[id].snapshot())
	}
	return out
}

// VM returns the VM with id, false if there is none.
func (f *Fake) VM(id int) (VM, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.vms[id]
	if !ok {
		return VM{}, false
	}
	return v.snapshot(), true
}

// AddTemplate adds a VM template (stopped, template: 1) with a config
// like a cloud-init template's: a disk on the shared storage, a
// cloud-init drive, the guest agent enabled, one virtio NIC on vmbr0.
// It panics if vmid is taken or node is not a node of the fake.
func (f *Fake) AddTemplate(vmid int, name, node string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.vms[vmid]; ok {
		panic(fmt.Sprintf("pvefake: AddTemplate: VM %d exists", vmid))
	}
	if f.node(node) == nil {
		panic(fmt.Sprintf("pvefake: AddTemplate: no node %q", node))
	}
	f.vms[vmid] = &vm{id: vmid, node: node, status: "stopped", conf: map[string]string{
		"name":      name,
		"template":  "1",
		"agent":     "1",
		"cores":     "2",
		"sockets":   "1",
		"memory":    "2048",
		"ostype":    "l26",
		"scsihw":    "virtio-scsi-pci",
		"scsi0":     fmt.Sprintf("%s:base-%d-disk-0,size=20G", storage, vmid),
		"ide2":      fmt.Sprintf("%s:vm-%d-cloudinit,media=cdrom", storage, vmid),
		"boot":      "order=scsi0",
		"net0":      fmt.Sprintf("virtio=%s,bridge=vmbr0", newMAC()),
		"serial0":   "socket",
		"vga":       "serial0",
		"ipconfig0": "ip=dhcp",
		"smbios1":   "uuid=" + newUUID(),
		"vmgenid":   newUUID(),
		"meta":      fmt.Sprintf("creation-qemu=9.2.0,ctime=%d", f.now().Unix()),
	}}
}

// randHex returns n random lowercase hex digits.
func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func newUUID() string {
	h := randHex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// newMAC is a MAC in Proxmox's default prefix (BC:24:11), as PVE makes them.
func newMAC() string {
	h := strings.ToUpper(randHex(6))
	return "BC:24:11:" + h[0:2] + ":" + h[2:4] + ":" + h[4:6]
}

// mac is the VM's first NIC's MAC, lower case as the guest agent says it.
func (v *vm) mac() string {
	for _, part := range strings.Split(v.conf["net0"], ",") {
		if _, m, ok := strings.Cut(part, "="); ok && len(m) == 17 && strings.Count(m, ":") == 5 {
			return strings.ToLower(m)
		}
	}
	return "bc:24:11:00:00:00"
}

// cpus is sockets × cores.
func (v *vm) cpus() int {
	cores, sockets := atoiOr(v.conf["cores"], 1), atoiOr(v.conf["sockets"], 1)
	return cores * sockets
}

// memBytes is the configured memory in bytes (PVE's default is 512 MiB).
func (v *vm) memBytes() uint64 {
	mem := v.conf["memory"]
	if cur, ok := strings.CutPrefix(mem, "current="); ok {
		mem, _, _ = strings.Cut(cur, ",")
	}
	return uint64(atoiOr(mem, 512)) << 20
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}

// uptime is seconds since the VM started, 0 while stopped.
func (f *Fake) uptime(v *vm) int64 {
	if v.status != "running" {
		return 0
	}
	return int64(f.now().Sub(v.started) / time.Second)
}
