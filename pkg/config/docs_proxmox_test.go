package config

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pvePrivileges are the privileges Proxmox VE knows (pve-access-control's
// privgroups): VM.Monitor until PVE 8, the VM.GuestAgent.* ones from PVE
// 9. `pveum role add` refuses any other name.
var pvePrivileges = strings.Fields(`
	VM.Allocate VM.Audit VM.Backup VM.Clone VM.Config.CDROM VM.Config.CPU VM.Config.Cloudinit
	VM.Config.Disk VM.Config.HWType VM.Config.Memory VM.Config.Network VM.Config.Options VM.Console
	VM.GuestAgent.Audit VM.GuestAgent.FileRead VM.GuestAgent.FileSystemMgmt VM.GuestAgent.FileWrite
	VM.GuestAgent.Unrestricted VM.Migrate VM.Monitor VM.PowerMgmt VM.Replicate VM.Snapshot VM.Snapshot.Rollback
	Sys.PowerMgmt Sys.Modify Sys.Incoming Sys.AccessNetwork Sys.Console Sys.Syslog Sys.Audit
	Datastore.Allocate Datastore.AllocateTemplate Datastore.AllocateSpace Datastore.Audit
	SDN.Allocate SDN.Audit SDN.Use Realm.Allocate Realm.AllocateUser User.Modify Group.Allocate
	Pool.Allocate Pool.Audit Mapping.Modify Mapping.Use Mapping.Audit Permissions.Modify`)

// TestDeployProxmoxGuide keeps docs/deploy-proxmox.md true to the loader
// and to PVE: every TOML example loads and means what the guide says, its
// table documents every key of [env.X.proxmox], its pveum commands grant
// privileges PVE knows through roles they create, on the templates the
// example clones and the pool it names.
func TestDeployProxmoxGuide(t *testing.T) {
	data, err := os.ReadFile("../../docs/deploy-proxmox.md")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(data)
	blocks := regexp.MustCompile("(?s)```toml\n(.*?)\n *```").FindAllStringSubmatch(guide, -1)
	if len(blocks) == 0 {
		t.Fatal("no ```toml example in docs/deploy-proxmox.md")
	}
	var example *Proxmox
	for i, b := range blocks {
		cfg, err := Parse(".gazr.toml", []byte(b[1]))
		if err != nil {
			t.Errorf("example %d does not load: %v\n%s", i+1, err, b[1])
			continue
		}
		e, err := cfg.Env("staging")
		if err != nil || e.Proxmox == nil {
			t.Errorf("example %d: no [env.staging.proxmox] (%v)", i+1, err)
			continue
		}
		p := e.Proxmox
		if e.Backend != "proxmox" || p.TokenEnv != "PVE_TOKEN" || p.Pool != "gazr-staging" || p.ClusterTag != "gazr-staging" ||
			p.Template != (Templates{Manager: 9000, Worker: 9001}) || p.Address != "agent" || p.FullClone || len(p.Targets) != 3 || p.Insecure {
			t.Errorf("example %d: got backend %q, proxmox %+v", i+1, e.Backend, p)
		}
		example = p
	}
	for _, k := range proxmoxKeys {
		if !strings.Contains(guide, "| `"+k+"` |") {
			t.Errorf("docs/deploy-proxmox.md's configuration table has no row for [env.X.proxmox] key %q", k)
		}
	}
	if example != nil {
		checkPveum(t, guide, example)
	}
}

// checkPveum reads the guide's pveum commands (with $AGENT both ways).
func checkPveum(t *testing.T, guide string, p *Proxmox) {
	roles := map[string]bool{}
	for _, m := range regexp.MustCompile(`pveum role add (\w+) --privs "([^"]*)"`).FindAllStringSubmatch(guide, -1) {
		roles[m[1]] = true
		for _, priv := range strings.Fields(m[2]) {
			if priv == "$AGENT" {
				continue
			}
			if !slices.Contains(pvePrivileges, priv) {
				t.Errorf("role %s: PVE has no privilege %q", m[1], priv)
			}
		}
	}
	for _, agent := range regexp.MustCompile(`AGENT=([\w.]+)`).FindAllStringSubmatch(guide, -1) {
		if !slices.Contains(pvePrivileges, agent[1]) {
			t.Errorf("AGENT=%s: PVE has no such privilege", agent[1])
		}
	}
	acls := map[string]string{}
	for _, m := range regexp.MustCompile(`pveum acl modify (\S+) --roles (\w+)`).FindAllStringSubmatch(guide, -1) {
		if !roles[m[2]] {
			t.Errorf("pveum acl modify %s: role %s is not created by a pveum role add", m[1], m[2])
		}
		acls[m[1]] = m[2]
	}
	pool := regexp.MustCompile(`POOL=(\S+)`).FindStringSubmatch(guide)
	if pool == nil || pool[1] != p.Pool {
		t.Errorf("the pveum commands' POOL = %v, the example's pool %q", pool, p.Pool)
	}
	for _, id := range []int{p.Template.Manager, p.Template.Worker} {
		if path := "/vms/" + strconv.Itoa(id); acls[path] == "" {
			t.Errorf("no pveum acl modify on %s, the example's template", path)
		}
		if !regexp.MustCompile(`build-template\.sh [^\n]* ` + strconv.Itoa(id) + `\n`).MatchString(guide) {
			t.Errorf("the guide builds no template %d, which its example clones", id)
		}
	}
	for _, path := range []string{`"/pool/$POOL"`, `"/storage/$STORAGE"`, `"/sdn/zones/localnetwork/$BRIDGE"`} {
		if acls[path] == "" {
			t.Errorf("no pveum acl modify on %s", path)
		}
	}
}
