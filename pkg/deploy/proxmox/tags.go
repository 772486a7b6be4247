package proxmox

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
)

// The tag scheme. A VM belongs to the env when it carries the env's
// cluster_tag (when set) and is in its pool (when set); its role is its
// tag TagManager or TagWorker. Tags compare without case: PVE's default
// tag style stores them in lower case ("Gazr-Shop" is read back
// "gazr-shop"), and with case-sensitive = 1 keeps them as written, so
// only a comparison that ignores case finds the env's VMs under both. gazr names the VMs it clones
// <env>-manager-<i> and <env>-worker-<i> (the name is the VM's hostname),
// and writes Marker in their description at the clone, so that a VM
// cloned by a run interrupted before it was tagged is found by the next
// run (by name and marker) instead of being cloned again.
const (
	TagManager = "gazr-manager"
	TagWorker  = "gazr-worker"
)

// Roles of the env's VMs.
const (
	roleManager = "manager"
	roleWorker  = "worker"
)

// Marker is the line gazr writes in the description of the VMs it clones.
func Marker(env, role string) string { return fmt.Sprintf("gazr: env %s, %s", env, role) }

// roleTag is a role's tag.
func roleTag(role string) string {
	if role == roleManager {
		return TagManager
	}
	return TagWorker
}

// splitTags reads PVE's tags ("a;b", older releases also "a,b" or "a b").
func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' })
}

// tagsFor are the tags of a VM of role: the VM's own (kept), the cluster
// tag and the role's, as PVE writes them ("a;b").
func tagsFor(p config.Proxmox, role string, own []string) string {
	tags := slices.Clone(own)
	for _, t := range []string{p.ClusterTag, roleTag(role)} {
		if t != "" && !hasTag(tags, t) {
			tags = append(tags, t)
		}
	}
	// A VM has one role: the other's tag goes.
	other := TagWorker
	if role == roleWorker {
		other = TagManager
	}
	tags = slices.DeleteFunc(tags, func(t string) bool { return strings.EqualFold(t, other) })
	return strings.Join(tags, ";")
}

// hasTag says whether tags hold t, in any case.
func hasTag(tags []string, t string) bool {
	return slices.ContainsFunc(tags, func(s string) bool { return strings.EqualFold(s, t) })
}

// inEnv says whether a VM with tags and pool is one of the env's, and its
// role ("" when it has no role tag).
func inEnv(p config.Proxmox, tags []string, pool string) (role string, ok bool) {
	if p.ClusterTag != "" && !hasTag(tags, p.ClusterTag) || p.Pool != "" && pool != p.Pool {
		return "", false
	}
	switch {
	case hasTag(tags, TagManager):
		return roleManager, true
	case hasTag(tags, TagWorker):
		return roleWorker, true
	}
	return "", true
}

// prefix is the env's name as the start of a VM name (a DNS label: PVE
// refuses '_' and '.' there).
func prefix(env string) string {
	return strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(env))
}

// vmName is the name of the env's i-th VM of role.
func vmName(env, role string, i int) string { return fmt.Sprintf("%s-%s-%d", prefix(env), role, i) }

var nameRE = regexp.MustCompile(`^(.+)-(manager|worker)-([1-9][0-9]{0,5})$`)

// parseName reads a name vmName wrote for env: its role and index.
func parseName(env, name string) (role string, i int, ok bool) {
	m := nameRE.FindStringSubmatch(name)
	if m == nil || m[1] != prefix(env) {
		return "", 0, false
	}
	i, _ = strconv.Atoi(m[3])
	return m[2], i, true
}
