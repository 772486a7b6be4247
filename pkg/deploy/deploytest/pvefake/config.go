package pvefake

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// numericKeys are the config keys PVE answers as JSON numbers (integers
// and booleans); the others are strings.
var numericKeys = map[string]bool{
	"cores": true, "sockets": true, "vcpus": true, "cpuunits": true, "balloon": true, "shares": true,
	"onboot": true, "template": true, "protection": true, "numa": true, "tablet": true, "kvm": true,
	"acpi": true, "autostart": true, "localtime": true, "reboot": true, "ciupgrade": true, "cpulimit": true,
}

// vm returns the path's VM if it is on the path's node, else PVE's
// "does not exist" 500.
func (f *Fake) vm(q *request) (*vm, *apiError) {
	v, ok := f.vms[q.vmid()]
	if !ok || v.node != q.seg["node"] {
		return nil, notExist(q.seg["node"], q.vmid())
	}
	return v, nil
}

// getConfig is GET …/config: the config (pending changes applied, which
// the fake applies at once), with its digest.
func (f *Fake) getConfig(q *request) (any, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, e
	}
	if q.params["snapshot"] != "" {
		return nil, fail("snapshot '%s' does not exist", q.params["snapshot"])
	}
	out := map[string]any{"digest": digest(v.conf)}
	for k, val := range v.conf {
		out[k] = val
		if numericKeys[k] {
			if n, err := strconv.ParseFloat(val, 64); err == nil {
				out[k] = n
			}
		}
	}
	if _, ok := v.conf["cipassword"]; ok {
		out["cipassword"] = "**********"
	}
	return out, nil
}

// digest is the SHA-1 of the config as its file would read.
func digest(conf map[string]string) string {
	keys := slices.Sorted(maps.Keys(conf))
	h := sha1.New()
	for _, k := range keys {
		h.Write([]byte(k + ": " + conf[k] + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// postConfig is the asynchronous config update: checked now, applied by
// a qmconfig task holding the VM's lock.
func (f *Fake) postConfig(q *request) (any, *apiError) {
	v, set, del, e := f.checkConfig(q)
	if e != nil {
		return nil, e
	}
	id := v.id
	return f.spawn(q, v.node, "qmconfig", id, id, work{run: func(context.Context, *task) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		if v, ok := f.vms[id]; ok {
			if err := checkLock(v); err != nil {
				return err
			}
			applyConfig(v, set, del)
		}
		return nil
	}}), nil
}

// putConfig is the synchronous config update (answers null).
func (f *Fake) putConfig(q *request) (any, *apiError) {
	v, set, del, e := f.checkConfig(q)
	if e != nil {
		return nil, e
	}
	if err := checkLock(v); err != nil {
		return nil, fail("%s", strings.TrimSuffix(err.Error(), "\n"))
	}
	applyConfig(v, set, del)
	return nil, nil
}

// checkConfig checks an update as update_vm_api does: the VM, the
// schema, the privileges each key needs, SSH keys, the digest.
func (f *Fake) checkConfig(q *request) (*vm, map[string]string, []string, *apiError) {
	v, e := f.vm(q)
	if e != nil {
		return nil, nil, nil, e
	}
	params := maps.Clone(q.params)
	if e := checkConfigSchema(params, q.token.user()); e != nil {
		return nil, nil, nil, e
	}
	dig := params["digest"]
	delStr := params["delete"]
	for _, k := range []string{"digest", "delete", "revert", "background_delay", "skiplock", "force"} {
		delete(params, k)
	}
	del := splitList(delStr)
	for _, k := range del {
		if _, ok := params[k]; ok {
			return nil, nil, nil, paramErr("delete", "you can't use '-%s' and -delete %s' at the same time", k, k)
		}
		if _, ok := configSpec(k); !ok {
			return nil, nil, nil, paramErr("delete", "invalid configuration ID '%s'", k)
		}
	}
	if len(params) == 0 && len(del) == 0 {
		return nil, nil, nil, fail("no options specified")
	}
	keys := append(slices.Sorted(maps.Keys(params)), del...)
	for _, k := range keys {
		if e := configKeyPerm(q.token, q.seg["vmid"], k); e != nil {
			return nil, nil, nil, e
		}
	}
	if keys, ok := params["sshkeys"]; ok {
		if err := validateSSHKeys(keys); err != nil {
			return nil, nil, nil, fail("%s", err.Error())
		}
	}
	if tags, ok := params["tags"]; ok {
		params["tags"] = uniqueTags(tags)
	}
	if dig != "" && dig != digest(v.conf) {
		return nil, nil, nil, fail("detected modified configuration - file changed by other user? Try again.")
	}
	return v, params, del, nil
}

func applyConfig(v *vm, set map[string]string, del []string) {
	for _, k := range del {
		delete(v.conf, k)
	}
	maps.Copy(v.conf, set)
}

// checkLock is check_lock: a locked VM refuses changes.
func checkLock(v *vm) error {
	if l := v.conf["lock"]; l != "" {
		return errorf("VM is locked (%s)", l)
	}
	return nil
}

// uniqueTags is get_unique_tags with PVE's default tag style: lower
// case, sorted, without duplicates, joined by ';'.
func uniqueTags(tags string) string {
	seen := map[string]bool{}
	var out []string
	for _, t := range splitList(tags) {
		t = strings.ToLower(t)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ";")
}

// configKeyPerm is check_vm_modify_config_perm for one key.
func configKeyPerm(t *Token, vmid, key string) *apiError {
	base := strings.TrimRight(key, "0123456789")
	path := "/vms/" + vmid
	switch {
	case key == "tags":
		return check(t, path, "VM.Config.Options")
	case slices.Contains([]string{"cores", "sockets", "vcpus", "cpu", "cpulimit", "cpuunits", "affinity", "numa"}, key):
		return check(t, path, "VM.Config.CPU")
	case slices.Contains([]string{"memory", "balloon", "shares"}, key):
		return check(t, path, "VM.Config.Memory")
	case slices.Contains([]string{"name", "description", "onboot", "agent", "protection", "ostype", "template", "startup"}, key):
		return check(t, path, "VM.Config.Options")
	case slices.Contains([]string{"boot", "bootdisk", "scsi", "ide", "sata", "virtio"}, base):
		return check(t, path, "VM.Config.Disk")
	case base == "net":
		return check(t, path, "VM.Config.Network")
	case base == "ipconfig" || slices.Contains([]string{"ciuser", "cipassword", "sshkeys", "nameserver", "searchdomain", "citype", "ciupgrade", "cicustom"}, key):
		return checkAny(t, path, "VM.Config.Cloudinit", "VM.Config.Network")
	case slices.Contains([]string{"vga", "scsihw", "serial", "smbios", "tablet", "hotplug"}, base):
		return check(t, path, "VM.Config.HWType")
	}
	return fail("only root can set '%s' config", key)
}
