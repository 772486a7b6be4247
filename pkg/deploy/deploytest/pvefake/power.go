package pvefake

import (
	"context"
	"fmt"
	"strings"
	"time"
)

var (
	startSpecs = map[string]spec{
		"timeout": {kind: "integer", min: bound(0), max: bound(86400)}, "skiplock": skiplockSpc,
		"machine": stringSpec, "force-cpu": {rootOnly: true}, "migratedfrom": {rootOnly: true},
		"migration_type": {rootOnly: true}, "migration_network": {rootOnly: true},
		"stateuri": {rootOnly: true}, "targetstorage": {rootOnly: true},
	}
	stopSpecs = map[string]spec{
		"timeout": {kind: "integer", min: bound(0)}, "skiplock": skiplockSpc,
		"keepActive": {kind: "boolean", rootOnly: true}, "migratedfrom": {rootOnly: true},
		"overrule-shutdown": boolSpec,
	}
	shutdownSpecs = map[string]spec{
		"timeout": {kind: "integer", min: bound(0)}, "forceStop": boolSpec, "skiplock": skiplockSpc,
		"keepActive": {kind: "boolean", rootOnly: true},
	}
)

// postStart is POST …/status/start: a qmstart task that boots the VM's
// machine; the VM is running when it ends, and its guest agent answers
// Options.AgentDelay later.
func (f *Fake) postStart(q *request) (any, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	id := v.id
	return f.spawn(q, v.node, "qmstart", id, id, work{run: func(ctx context.Context, t *task) error {
		f.mu.Lock()
		v, ok := f.vms[id]
		var err error
		switch {
		case !ok:
			err = fmt.Errorf("Configuration file 'nodes/%s/qemu-server/%d.conf' does not exist", t.node, id)
		case v.conf["template"] == "1":
			err = fmt.Errorf("you can't start a vm if it's a template")
		case v.status == "running":
			err = fmt.Errorf("VM %d already running", id)
		default:
			err = checkLock(v)
		}
		if err == nil && strings.Contains(v.conf["ide2"]+v.conf["scsi1"], "cloudinit") {
			t.log = append(t.log, "generating cloud-init ISO")
		}
		f.mu.Unlock()
		if err != nil {
			return err
		}
		return f.boot(ctx, id)
	}}), nil
}

// boot starts id's machine and marks it running.
func (f *Fake) boot(ctx context.Context, id int) error {
	var ip string
	if m := f.opts.Machines; m != nil {
		var err error
		if ip, err = m.Start(ctx, id); err != nil {
			return fmt.Errorf("start failed: %v", err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.vms[id]
	if !ok {
		return fmt.Errorf("VM %d vanished while starting", id)
	}
	if ip == "" {
		ip = staticIP(v.conf["ipconfig0"])
	}
	if ip == "" && v.ip == "" {
		f.ipNext++
		ip = fmt.Sprintf("10.10.%d.%d", f.ipNext/250, 10+f.ipNext%250)
	}
	if ip != "" {
		v.ip = ip
	}
	f.pidNext++
	v.status, v.pid, v.started = "running", f.pidNext, f.now()
	v.agentAt, v.noAgent = time.Now().Add(f.opts.AgentDelay), false
	return nil
}

// postStop is POST …/status/stop: a hard stop (nothing if stopped).
func (f *Fake) postStop(q *request) (any, *apiError) {
	return f.powerOff(q, "qmstop", func(m Machines) func(context.Context, int) error { return m.Stop })
}

// postShutdown is POST …/status/shutdown: a clean stop.
func (f *Fake) postShutdown(q *request) (any, *apiError) {
	return f.powerOff(q, "qmshutdown", func(m Machines) func(context.Context, int) error { return m.Shutdown })
}

func (f *Fake) powerOff(q *request, typ string, op func(Machines) func(context.Context, int) error) (any, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	id, skiplock := v.id, q.params["skiplock"] == "1"
	return f.spawn(q, v.node, typ, id, id, work{run: func(ctx context.Context, t *task) error {
		f.mu.Lock()
		v, ok := f.vms[id]
		running := ok && v.status == "running"
		var err error
		if ok && !skiplock {
			err = checkLock(v)
		}
		f.mu.Unlock()
		if err != nil || !running {
			return err
		}
		return f.halt(ctx, id, op)
	}}), nil
}

// halt stops id's machine with op and marks it stopped.
func (f *Fake) halt(ctx context.Context, id int, op func(Machines) func(context.Context, int) error) error {
	if m := f.opts.Machines; m != nil {
		if err := op(m)(ctx, id); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.vms[id]; ok {
		v.status, v.pid = "stopped", 0
	}
	return nil
}

// postReboot is POST …/status/reboot: shutdown, then start.
func (f *Fake) postReboot(q *request) (any, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	if v.status != "running" {
		return nil, fail("VM %d not running", v.id)
	}
	id := v.id
	return f.spawn(q, v.node, "qmreboot", id, id, work{run: func(ctx context.Context, t *task) error {
		if err := f.halt(ctx, id, func(m Machines) func(context.Context, int) error { return m.Shutdown }); err != nil {
			return err
		}
		return f.boot(ctx, id)
	}}), nil
}

// getVMList is GET /nodes/{node}/qemu: the node's VMs.
func (f *Fake) getVMList(q *request) (any, *apiError) {
	out := []map[string]any{}
	if !q.token.has("VM.Audit") {
		return out, nil
	}
	for _, id := range f.vmIDs() {
		if v := f.vms[id]; v.node == q.seg["node"] {
			out = append(out, f.vmStatus(v))
		}
	}
	return out, nil
}

// getVMStatus is GET …/status/current.
func (f *Fake) getVMStatus(q *request) (any, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	st := f.vmStatus(v)
	st["qmpstatus"] = v.status
	st["ha"] = map[string]any{"managed": 0}
	if v.conf["agent"] != "" && !strings.HasPrefix(v.conf["agent"], "0") && !strings.Contains(v.conf["agent"], "enabled=0") {
		st["agent"] = 1
	}
	if v.status == "running" {
		st["running-machine"], st["running-qemu"] = "pc-i440fx-9.2+pve1", "9.2.0"
	}
	return st, nil
}

// vmStatus is a VM as vmstatus() reports it (template only when set, as
// PVE leaves it out otherwise).
func (f *Fake) vmStatus(v *vm) map[string]any {
	st := map[string]any{
		"vmid": v.id, "name": v.conf["name"], "status": v.status, "cpus": v.cpus(),
		"maxmem": v.memBytes(), "maxdisk": 20 << 30, "disk": 0, "mem": 0, "cpu": 0,
		"uptime": f.uptime(v), "netin": 0, "netout": 0, "diskread": 0, "diskwrite": 0,
	}
	if v.status == "running" {
		st["pid"], st["mem"], st["cpu"] = v.pid, v.memBytes()/2, 0.012
	}
	if v.conf["template"] == "1" {
		st["template"] = 1
	}
	if t := v.conf["tags"]; t != "" {
		st["tags"] = t
	}
	if l := v.conf["lock"]; l != "" {
		st["lock"] = l
	}
	return st
}
