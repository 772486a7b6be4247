package pvefake

import (
	"context"
	"fmt"
	"strings"
)

var deleteSpecs = map[string]spec{
	"purge": boolSpec, "skiplock": skiplockSpc, "destroy-unreferenced-disks": boolSpec,
}

// deleteVM is DELETE /nodes/{node}/qemu/{vmid}: refused for a protected
// or running VM; a qmdestroy task removes its machine, its disks, its
// pool membership and its config.
func (f *Fake) deleteVM(q *request) (any, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	if e := destroyCheck(v); e != nil {
		return nil, e
	}
	id, purge := v.id, q.params["purge"] == "1"
	return f.spawn(q, v.node, "qmdestroy", id, id, work{run: func(ctx context.Context, t *task) error {
		f.mu.Lock()
		v, ok := f.vms[id]
		if !ok {
			f.mu.Unlock()
			return fmt.Errorf("Configuration file 'nodes/%s/qemu-server/%d.conf' does not exist", t.node, id)
		}
		if e := destroyCheck(v); e != nil {
			f.mu.Unlock()
			return fmt.Errorf("%s", strings.TrimSuffix(e.msg, "\n"))
		}
		machine := v.machine
		for _, k := range []string{"scsi0", "virtio0", "sata0"} {
			if d := v.conf[k]; d != "" {
				t.log = append(t.log, fmt.Sprintf("Removing image: 100%% complete...done. (%s)", volume(d)))
			}
		}
		f.mu.Unlock()
		if m := f.opts.Machines; m != nil && machine {
			if err := m.Destroy(ctx, id); err != nil {
				return err
			}
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if purge {
			t.log = append(t.log, fmt.Sprintf("purging VM %d from related configurations..", id))
		}
		if v, ok := f.vms[id]; ok {
			f.setPool(v, "")
			delete(f.vms, id)
		}
		return nil
	}}), nil
}

func destroyCheck(v *vm) *apiError {
	if v.conf["protection"] == "1" {
		return fail("can't remove VM %d - protection mode enabled", v.id)
	}
	if v.status == "running" {
		return fail("VM %d is running - destroy failed", v.id)
	}
	if l := v.conf["lock"]; l != "" {
		return fail("VM is locked (%s)", l)
	}
	return nil
}

// postTemplate is POST …/template: a qmtemplate task that makes the VM
// a template (its disks become base images).
func (f *Fake) postTemplate(q *request) (any, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	if e := templateCheck(v); e != nil {
		return nil, e
	}
	id := v.id
	return f.spawn(q, v.node, "qmtemplate", id, id, work{run: func(context.Context, *task) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		v, ok := f.vms[id]
		if !ok {
			return fmt.Errorf("VM %d does not exist", id)
		}
		if e := templateCheck(v); e != nil {
			return fmt.Errorf("%s", strings.TrimSuffix(e.msg, "\n"))
		}
		v.conf["template"] = "1"
		for k, d := range v.conf {
			if strings.HasPrefix(k, "scsi") || strings.HasPrefix(k, "virtio") || strings.HasPrefix(k, "sata") {
				v.conf[k] = strings.Replace(d, fmt.Sprintf("vm-%d-disk-", id), fmt.Sprintf("base-%d-disk-", id), 1)
			}
		}
		return nil
	}}), nil
}

func templateCheck(v *vm) *apiError {
	if l := v.conf["lock"]; l != "" {
		return fail("VM is locked (%s)", l)
	}
	if v.conf["template"] == "1" {
		return fail("you can't convert a template to a template")
	}
	if v.status == "running" {
		return fail("you can't convert a VM to template if VM is running")
	}
	return nil
}
