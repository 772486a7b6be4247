package pvefake

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

var cloneSpecs = map[string]spec{
	"newid":       vmidSpec,
	"name":        {format: dnsName},
	"description": stringSpec,
	"pool":        {format: poolID},
	"snapname":    stringSpec,
	"storage":     stringSpec,
	"format":      {enum: []string{"raw", "qcow2", "vmdk"}},
	"full":        boolSpec,
	"target":      stringSpec,
	"bwlimit":     {kind: "integer", min: bound(0)},
}

// postClone is POST …/clone: the early checks of clone_vm, then the new
// VM's config (locked "clone", on the source node) and a qmclone task
// that makes its machine, unlocks it, moves it to the target node and
// adds it to the pool. A failed clone leaves no VM.
func (f *Fake) postClone(q *request) (any, *apiError) {
	p := q.params
	newid, _ := strconv.Atoi(p["newid"])
	target := p["target"]
	if target == q.seg["node"] || target == "localhost" {
		target = ""
	}
	if pool, ok := p["pool"]; ok {
		if e := f.checkPoolExists(pool); e != nil {
			return nil, e
		}
	}
	if target != "" && f.node(target) == nil {
		return nil, fail("no such cluster node '%s'", target)
	}
	src, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	if err := checkLock(src); err != nil {
		return nil, fail("%s", err.Error())
	}
	if p["snapname"] != "" {
		return nil, fail("snapshot '%s' does not exist", p["snapname"])
	}
	full, e := cloneMode(src, p)
	if e != nil {
		return nil, e
	}
	sid := storage
	if p["storage"] != "" {
		sid = p["storage"]
	}
	if e := check(q.token, "/storage/"+sid, "Datastore.AllocateSpace"); e != nil {
		return nil, e
	}
	if e := check(q.token, "/sdn/zones/localnetwork/vmbr0", "SDN.Use"); e != nil {
		return nil, e
	}
	if _, taken := f.vms[newid]; taken {
		return nil, fail("unable to create VM %d: config file already exists", newid)
	}
	if target == "" {
		target = src.node
	}
	nv := &vm{id: newid, node: src.node, status: "stopped", source: src.id, conf: cloneConfig(src, newid, p["name"], p["description"], full)}
	f.vms[newid] = nv
	return f.spawn(q, src.node, "qmclone", src.id, newid, work{
		run:  f.cloneWork(nv, src, target, p["pool"], full),
		undo: func() { delete(f.vms, newid) },
	}), nil
}

// cloneMode is whether the clone is full (the default but for a
// template), refusing what a linked clone cannot do.
func cloneMode(src *vm, p map[string]string) (bool, *apiError) {
	isTemplate := src.conf["template"] == "1"
	full := p["full"] == "1" || (p["full"] == "" && !isTemplate)
	if !full {
		for _, k := range []string{"storage", "format"} {
			if _, ok := p[k]; ok {
				return false, fail("parameter '%s' not allowed for linked clones", k)
			}
		}
		if !isTemplate {
			return false, fail("Linked clone feature is not supported for '%s' (scsi0)", volume(src.conf["scsi0"]))
		}
	}
	return full, nil
}

// cloneWork makes the clone's machine, then finishes its config.
func (f *Fake) cloneWork(nv, src *vm, target, pool string, full bool) func(context.Context, *task) error {
	kind := "linked"
	if full {
		kind = "full"
	}
	return func(ctx context.Context, t *task) error {
		f.logTask(t, "create %s clone of drive scsi0 (%s)", kind, volume(src.conf["scsi0"]))
		f.mu.Lock()
		snap := nv.snapshot()
		snap.Node = target
		f.mu.Unlock()
		if m := f.opts.Machines; m != nil {
			if err := m.Create(ctx, snap, src.id); err != nil {
				return fmt.Errorf("clone failed: %v", err)
			}
		}
		if full {
			f.logTask(t, "transferred 20.0 GiB of 20.0 GiB (100.00%%)")
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		nv.machine = f.opts.Machines != nil
		delete(nv.conf, "lock")
		nv.node = target
		if pool != "" {
			f.setPool(nv, pool)
		}
		return nil
	}
}

// cloneConfig is the new VM's config, as clone_vm writes it: the
// source's, without template, snapshots or unused disks, with new disks,
// a new MAC and SMBIOS UUID, the name given (or Copy-of-VM-<name>),
// locked "clone" until the task ends.
func cloneConfig(src *vm, newid int, name, description string, full bool) map[string]string {
	conf := maps.Clone(src.conf)
	delete(conf, "template")
	conf["lock"] = "clone"
	for k, v := range conf {
		switch {
		case strings.HasPrefix(k, "unused"):
			delete(conf, k)
		case strings.HasPrefix(k, "net"):
			conf[k] = replaceMAC(v)
		case strings.HasPrefix(k, "scsi") && k != "scsihw", strings.HasPrefix(k, "virtio"), strings.HasPrefix(k, "sata"):
			conf[k] = cloneDisk(v, newid, full)
		case strings.HasPrefix(k, "ide") && strings.Contains(v, "cloudinit"):
			conf[k] = fmt.Sprintf("%s:vm-%d-cloudinit,media=cdrom", storage, newid)
		}
	}
	conf["smbios1"] = "uuid=" + newUUID()
	if _, ok := conf["vmgenid"]; ok {
		conf["vmgenid"] = newUUID()
	}
	if name == "" {
		name = "Copy-of-VM-" + src.conf["name"]
	}
	conf["name"] = name
	if description != "" {
		conf["description"] = description
	}
	return conf
}

// cloneDisk is a disk of the clone: a copy, or a linked clone of the
// template's base image.
func cloneDisk(drive string, newid int, full bool) string {
	vol, opts, _ := strings.Cut(drive, ",")
	disk := fmt.Sprintf("%s:vm-%d-disk-0", storage, newid)
	if !full {
		disk = fmt.Sprintf("%s/vm-%d-disk-0", vol, newid)
	}
	if opts != "" {
		disk += "," + opts
	}
	return disk
}

// volume is a drive's volume id (before its options).
func volume(drive string) string {
	v, _, _ := strings.Cut(drive, ",")
	return v
}

// replaceMAC gives a NIC a new MAC, as clone_vm always does.
func replaceMAC(net string) string {
	parts := strings.Split(net, ",")
	for i, p := range parts {
		if model, mac, ok := strings.Cut(p, "="); ok && len(mac) == 17 && strings.Count(mac, ":") == 5 {
			parts[i] = model + "=" + newMAC()
		}
	}
	return strings.Join(parts, ",")
}
