package pvefake

import (
	"sort"
	"strconv"
	"time"
)

// The PVE release the fake answers as.
const (
	pveVersion = "9.0.6"
	pveRelease = "9.0"
	pveRepoID  = "49c767b70aeb6648"
)

func (f *Fake) getVersion(*request) (any, *apiError) {
	return map[string]any{"version": pveVersion, "release": pveRelease, "repoid": pveRepoID}, nil
}

func (f *Fake) getClusterStatus(*request) (any, *apiError) {
	out := []map[string]any{{
		"type": "cluster", "id": "cluster", "name": f.opts.ClusterName,
		"nodes": len(f.nodes), "version": len(f.nodes), "quorate": b2i(f.quorate()),
	}}
	for i, n := range f.nodes {
		out = append(out, map[string]any{
			"type": "node", "id": "node/" + n.name, "name": n.name, "nodeid": i + 1,
			"ip": n.ip, "online": b2i(n.online), "local": b2i(i == 0), "level": "",
		})
	}
	return out, nil
}

// getResources is /cluster/resources: pools, VMs and nodes (no storage,
// no SDN), filtered by the token's audit privileges as PVE filters them.
func (f *Fake) getResources(q *request) (any, *apiError) {
	typ := q.params["type"]
	out := []map[string]any{}
	if typ == "" && q.token.has("Pool.Audit") {
		for _, id := range f.poolIDs() {
			out = append(out, map[string]any{"id": "/pool/" + id, "pool": id, "type": "pool"})
		}
	}
	if (typ == "" || typ == "vm") && q.token.has("VM.Audit") {
		for _, id := range f.vmIDs() {
			out = append(out, f.vmResource(f.vms[id], q.token))
		}
	}
	if typ == "" || typ == "node" {
		for _, n := range f.nodes {
			out = append(out, f.nodeResource(n, q.token.has("Sys.Audit")))
		}
	}
	return out, nil
}

// vmResource is a VM as /cluster/resources and pool members show it; a
// VM on an offline node is "unknown", as PVE has no fresh data for it.
func (f *Fake) vmResource(v *vm, t *Token) map[string]any {
	e := map[string]any{
		"id": "qemu/" + strconv.Itoa(v.id), "vmid": v.id, "node": v.node, "type": "qemu",
		"status": v.status, "name": v.conf["name"], "template": b2i(v.conf["template"] == "1"),
		"maxcpu": v.cpus(), "maxmem": v.memBytes(), "maxdisk": 20 << 30,
		"cpu": 0, "mem": 0, "disk": 0, "netin": 0, "netout": 0, "diskread": 0, "diskwrite": 0,
		"uptime": f.uptime(v),
	}
	if v.status == "running" {
		e["cpu"], e["mem"] = 0.012, v.memBytes()/2
	}
	if n := f.node(v.node); n != nil && !n.online {
		e = map[string]any{"id": e["id"], "vmid": v.id, "node": v.node, "type": "qemu", "status": "unknown"}
	}
	if tags := v.conf["tags"]; tags != "" {
		e["tags"] = tags
	}
	if lock := v.conf["lock"]; lock != "" {
		e["lock"] = lock
	}
	if v.pool != "" && (t == nil || t.has("Pool.Audit")) {
		e["pool"] = v.pool
	}
	return e
}

// nodeResource is a node in /cluster/resources; stats need Sys.Audit.
func (f *Fake) nodeResource(n *node, audit bool) map[string]any {
	e := map[string]any{"id": "node/" + n.name, "node": n.name, "type": "node", "status": "offline", "level": ""}
	if audit {
		e["maxcpu"], e["maxmem"], e["maxdisk"] = f.opts.NodeCPUs, f.opts.NodeMemory, uint64(100<<30)
	}
	if n.online {
		e["status"] = "online"
		if audit {
			e["cpu"], e["mem"], e["disk"] = 0.03, f.nodeMemUsed(n), uint64(12<<30)
			e["uptime"] = int64(f.now().Sub(n.boot) / time.Second)
		}
	}
	e["cgroup-mode"] = 2
	return e
}

// nodeMemUsed is the host's own 4 GiB plus its running VMs' memory.
func (f *Fake) nodeMemUsed(n *node) uint64 {
	used := uint64(4 << 30)
	for _, v := range f.vms {
		if v.node == n.name && v.status == "running" {
			used += v.memBytes()
		}
	}
	return min(used, f.opts.NodeMemory)
}

// getNextID is /cluster/nextid: the lowest free id from 100 (as a
// string, as PVE answers it), or, given vmid, that id if free.
func (f *Fake) getNextID(q *request) (any, *apiError) {
	if s, ok := q.params["vmid"]; ok {
		id, _ := strconv.Atoi(s)
		if _, taken := f.vms[id]; taken {
			return nil, paramErr("vmid", "VM %d already exists", id)
		}
		return s, nil
	}
	for id := 100; ; id++ {
		if _, taken := f.vms[id]; !taken {
			return strconv.Itoa(id), nil
		}
	}
}

func (f *Fake) getNodes(q *request) (any, *apiError) {
	out := []map[string]any{}
	for _, n := range f.nodes {
		e := f.nodeResource(n, q.token.has("Sys.Audit"))
		delete(e, "cgroup-mode")
		delete(e, "maxdisk")
		delete(e, "disk")
		e["ssl_fingerprint"] = f.Fingerprint()
		out = append(out, e)
	}
	return out, nil
}

func (f *Fake) getNodeStatus(q *request) (any, *apiError) {
	n := f.node(q.seg["node"])
	used := f.nodeMemUsed(n)
	total := f.opts.NodeMemory
	return map[string]any{
		"uptime": int64(f.now().Sub(n.boot) / time.Second), "cpu": 0.03, "wait": 0.0, "idle": 0,
		"loadavg":    []string{"0.21", "0.18", "0.12"},
		"pveversion": "pve-manager/" + pveVersion + "/" + pveRepoID,
		"kversion":   "Linux 6.14.11-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.11-2 (2025-09-12T09:46Z)",
		"memory":     map[string]any{"total": total, "used": used, "free": total - used, "available": total - used},
		"swap":       map[string]any{"total": 8 << 30, "used": 0, "free": 8 << 30},
		"rootfs":     map[string]any{"total": 100 << 30, "used": 12 << 30, "free": 88 << 30, "avail": 83 << 30},
		"ksm":        map[string]any{"shared": 0},
		"cpuinfo": map[string]any{
			"model": "AMD EPYC 7302P 16-Core Processor", "cpus": f.opts.NodeCPUs, "cores": f.opts.NodeCPUs / 2,
			"sockets": 1, "mhz": "3000.000", "user_hz": 100, "hvm": "1", "flags": "fpu vme de pse tsc msr pae mce cx8 apic",
		},
		"boot-info": map[string]any{"mode": "efi", "secureboot": 0},
	}, nil
}

func (f *Fake) vmIDs() []int {
	ids := make([]int, 0, len(f.vms))
	for id := range f.vms {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// node is a PVE node.
type node struct {
	name   string
	ip     string
	online bool
	boot   time.Time
}

// node returns the named node, nil if the cluster has none.
func (f *Fake) node(name string) *node {
	for _, n := range f.nodes {
		if n.name == name {
			return n
		}
	}
	return nil
}

// quorate says whether more than half the nodes are online.
func (f *Fake) quorate() bool {
	up := 0
	for _, n := range f.nodes {
		if n.online {
			up++
		}
	}
	return up*2 > len(f.nodes)
}
