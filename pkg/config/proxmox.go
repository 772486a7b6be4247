package config

import (
	"net/url"
	"regexp"
	"strings"
)

var proxmoxKeys = []string{"url", "token_env", "ca", "fingerprint", "insecure", "cluster_tag", "pool", "template",
	"full_clone", "targets", "address", "ssh_user", "ssh_key", "registry", "boot_timeout"}

var (
	envNameRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	fingerprintRE = regexp.MustCompile(`^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$`)
	pveNameRE     = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_+.-]*$`)
)

func (d *decoder) proxmox(key []string, v any) (*Proxmox, error) {
	table, ok := v.(map[string]any)
	name := strings.Join(key, ".")
	if !ok {
		return nil, d.errorf(key, "%s must be a table ([%s]), not %s", name, name, tomlType(v))
	}
	p := &Proxmox{Address: "agent"}
	for _, k := range sortedKeys(table) {
		fkey := append(key[:len(key):len(key)], k)
		if err := d.proxmoxField(p, fkey, table[k]); err != nil {
			return nil, err
		}
		d.seen(fkey)
	}
	field := func(k string) []string { return append(key[:len(key):len(key)], k) }
	switch {
	case p.URL == "":
		return nil, d.errorf(key, "%s needs url = \"https://<pve host>:8006\"", name)
	case p.TokenEnv == "":
		return nil, d.errorf(key, "%s needs token_env = \"PVE_TOKEN\": the variable that holds the API token (user@realm!id=secret)", name)
	case p.ClusterTag == "" && p.Pool == "":
		return nil, d.errorf(key, "%s needs cluster_tag or pool: how gazr tells the env's VMs from the others", name)
	case p.Insecure && (p.CA != "" || p.Fingerprint != ""):
		return nil, d.errorf(field("insecure"), "%s.insecure = true skips the verification that ca and fingerprint ask for: keep one or the other", name)
	}
	return p, nil
}

func (d *decoder) proxmoxField(p *Proxmox, key []string, v any) error {
	var err error
	k, table := key[len(key)-1], strings.Join(key[:len(key)-1], ".")
	switch k {
	case "url":
		p.URL, err = d.nonEmpty(key, v)
		if u, perr := url.Parse(p.URL); err == nil && (perr != nil || u.Scheme != "https" || u.Host == "") {
			err = d.errorf(key, "%s.url %q must be the API's https:// address (\"https://pve1:8006\")", table, p.URL)
		}
	case "token_env":
		p.TokenEnv, err = d.nonEmpty(key, v)
		if err == nil && !envNameRE.MatchString(p.TokenEnv) {
			err = d.errorf(key, "%s.token_env %q must name an environment variable (PVE_TOKEN), not hold the token", table, p.TokenEnv)
		}
	case "ca":
		p.CA, err = d.nonEmpty(key, v)
	case "fingerprint":
		p.Fingerprint, err = d.nonEmpty(key, v)
		if err == nil && !fingerprintRE.MatchString(p.Fingerprint) {
			err = d.errorf(key, "%s.fingerprint must be the certificate's SHA-256 fingerprint as 32 hex pairs AA:BB:…, as the PVE web UI shows it", table)
		}
	case "insecure":
		p.Insecure, err = d.boolean(key, v)
	case "cluster_tag":
		p.ClusterTag, err = d.pveName(key, v)
	case "pool":
		p.Pool, err = d.pveName(key, v)
	case "template":
		p.Template, err = d.templates(key, v)
	case "full_clone":
		p.FullClone, err = d.boolean(key, v)
	case "targets":
		p.Targets, err = d.names(key, v)
	case "address":
		p.Address, err = d.oneOf(key, v, "agent", "ipconfig")
	case "ssh_user":
		p.SSHUser, err = d.nonEmpty(key, v)
		if err == nil && strings.HasPrefix(p.SSHUser, "-") {
			err = d.errorf(key, "%s.ssh_user %q starts with '-', which ssh would read as an option", table, p.SSHUser)
		}
	case "ssh_key":
		p.SSHKey, err = d.nonEmpty(key, v)
		if err == nil && !strings.HasSuffix(p.SSHKey, ".pub") {
			err = d.errorf(key, "%s.ssh_key %q must be a public key file (….pub), given to the VMs by cloud-init; the private key stays with ssh", table, p.SSHKey)
		}
	case "registry":
		p.Registry, err = d.registry(key, v)
	case "boot_timeout":
		p.BootTimeout, err = d.duration(key, v)
	default:
		err = d.unknownCloudKey(key, proxmoxKeys, "token_env = \"PVE_TOKEN\", the variable that holds it")
	}
	return err
}

func (d *decoder) pveName(key []string, v any) (string, error) {
	s, err := d.nonEmpty(key, v)
	if err == nil && !pveNameRE.MatchString(s) {
		err = d.errorf(key, "%s %q may hold letters, digits, '_', '-', '+' and '.' only", strings.Join(key, "."), s)
	}
	return s, err
}

// templates is { manager = 9000, worker = 9001 }: VM ids.
func (d *decoder) templates(key []string, v any) (Templates, error) {
	var t Templates
	table, ok := v.(map[string]any)
	if !ok {
		return t, d.errorf(key, "%s must be { manager = 9000, worker = 9001 } (VM ids), not %s", strings.Join(key, "."), tomlType(v))
	}
	for _, k := range sortedKeys(table) {
		fkey := append(key[:len(key):len(key)], k)
		id, ok := table[k].(int64)
		if ok && (id < 100 || id > 999999999) {
			ok = false
		}
		if !ok && (k == "manager" || k == "worker") {
			return t, d.errorf(fkey, "%s must be a VM id (100-999999999), not %s", strings.Join(fkey, "."), describe(table[k]))
		}
		switch k {
		case "manager":
			t.Manager = int(id)
		case "worker":
			t.Worker = int(id)
		default:
			return t, d.errorf(fkey, "unknown key %q in %s%s", k, strings.Join(key, "."), didYouMean(k, []string{"manager", "worker"}))
		}
	}
	return t, nil
}
