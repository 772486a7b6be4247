package pvefake

import (
	"regexp"
	"slices"
	"strings"
)

// AllPrivileges are PVE 9's privileges, the ones a Token's Privs may
// name. A token with nil Privs has all of them.
var AllPrivileges = []string{
	"Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit",
	"Mapping.Audit", "Mapping.Modify", "Mapping.Use",
	"Permissions.Modify", "Pool.Allocate", "Pool.Audit",
	"Realm.Allocate", "Realm.AllocateUser",
	"SDN.Allocate", "SDN.Audit", "SDN.Use",
	"Sys.AccessNetwork", "Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog",
	"User.Modify",
	"VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone",
	"VM.Config.CDROM", "VM.Config.CPU", "VM.Config.Cloudinit", "VM.Config.Disk", "VM.Config.HWType",
	"VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Console",
	"VM.GuestAgent.Audit", "VM.GuestAgent.FileRead", "VM.GuestAgent.FileSystemMgmt",
	"VM.GuestAgent.FileWrite", "VM.GuestAgent.Unrestricted",
	"VM.Migrate", "VM.PowerMgmt", "VM.Replicate", "VM.Snapshot", "VM.Snapshot.Rollback",
}

// tokenRE is the value of PVEAPIToken=: user@realm!tokenid=secret.
var tokenRE = regexp.MustCompile(`^([^\s:@!]+@[A-Za-z][A-Za-z0-9._-]*![A-Za-z][A-Za-z0-9._-]*)=(\S+)$`)

// authenticate finds the token of the Authorization header, as pveproxy
// does: no PVEAPIToken (and no ticket) is "No ticket"; a malformed,
// unknown or wrong token "Authentication failed!".
func (f *Fake) authenticate(header string) (*Token, *apiError) {
	value, ok := authValue(header, "PVEAPIToken")
	if !ok {
		return nil, unauthorized("No ticket")
	}
	m := tokenRE.FindStringSubmatch(value)
	if m == nil {
		return nil, unauthorized("Authentication failed!")
	}
	for i := range f.opts.Tokens {
		t := &f.opts.Tokens[i]
		if t.ID == m[1] && t.Secret == m[2] {
			return t, nil
		}
	}
	return nil, unauthorized("Authentication failed!")
}

// authValue is pveproxy's extract_auth_value: the value after "key=" (or
// "key ") up to a ';'.
func authValue(header, key string) (string, bool) {
	for _, sep := range []string{"=", " "} {
		i := strings.Index(header, key+sep)
		if i < 0 || (i > 0 && header[i-1] != ' ' && header[i-1] != '\t') {
			continue
		}
		v := header[i+len(key)+1:]
		v, _, _ = strings.Cut(v, ";")
		return strings.TrimSpace(v), true
	}
	return "", false
}

// has says whether t holds priv (on any path: the fake has no ACLs).
func (t *Token) has(priv string) bool {
	return t.Privs == nil || slices.Contains(t.Privs, priv)
}

// check is RPCEnvironment::check: every priv on path, or 403 naming the
// first missing one.
func check(t *Token, path string, privs ...string) *apiError {
	for _, p := range privs {
		if !t.has(p) {
			return permError(path + ", " + p)
		}
	}
	return nil
}

// checkAny is RPCEnvironment::check_any: one of privs on path, or 403
// naming them all.
func checkAny(t *Token, path string, privs ...string) *apiError {
	if slices.ContainsFunc(privs, t.has) {
		return nil
	}
	return permError(path + ", " + strings.Join(privs, "|"))
}

// user is the token's user (user@realm).
func (t *Token) user() string {
	u, _, _ := strings.Cut(t.ID, "!")
	return u
}

// getPermissions is GET /access/permissions: the token's privileges on
// path (default /), each 1 (propagated), as one set for every path.
func (f *Fake) getPermissions(q *request) (any, *apiError) {
	if u := q.params["userid"]; u != "" && u != q.token.ID {
		if e := check(q.token, "/access", "Sys.Audit"); e != nil {
			return nil, e
		}
	}
	path := q.params["path"]
	if path == "" {
		path = "/"
	}
	privs := map[string]int{}
	for _, p := range AllPrivileges {
		if q.token.has(p) {
			privs[p] = 1
		}
	}
	return map[string]any{path: privs}, nil
}
