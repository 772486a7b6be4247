package pvefake

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// configSpecs are the VM config keys the fake accepts (of PVE's many);
// indexed keys (net0, ipconfig0, scsi0…) are in indexedSpecs.
var configSpecs = map[string]spec{
	"name":         {format: dnsName},
	"description":  stringSpec,
	"tags":         {format: tagList},
	"cores":        {kind: "integer", min: bound(1), max: bound(8192)},
	"sockets":      {kind: "integer", min: bound(1), max: bound(4)},
	"vcpus":        {kind: "integer", min: bound(1)},
	"cpu":          stringSpec,
	"cpulimit":     {kind: "number", min: bound(0), max: bound(8192)},
	"cpuunits":     {kind: "integer", min: bound(1), max: bound(262144)},
	"memory":       {format: memoryFormat},
	"balloon":      {kind: "integer", min: bound(0)},
	"onboot":       boolSpec,
	"agent":        stringSpec,
	"protection":   boolSpec,
	"template":     boolSpec,
	"ostype":       {enum: []string{"other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24", "l26", "solaris"}},
	"startup":      stringSpec,
	"boot":         stringSpec,
	"bootdisk":     stringSpec,
	"vga":          stringSpec,
	"scsihw":       {enum: []string{"lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"}},
	"tablet":       boolSpec,
	"hotplug":      stringSpec,
	"smbios1":      stringSpec,
	"ciuser":       stringSpec,
	"cipassword":   stringSpec,
	"citype":       {enum: []string{"configdrive2", "nocloud", "opennebula"}},
	"ciupgrade":    boolSpec,
	"cicustom":     stringSpec,
	"nameserver":   stringSpec,
	"searchdomain": stringSpec,
	"sshkeys":      {format: urlencoded},
}

// indexedSpecs are the indexed keys, by prefix, with their highest index.
var indexedSpecs = map[string]struct {
	max int
	s   spec
}{
	"net": {31, stringSpec}, "ipconfig": {31, spec{format: ipConfig}}, "scsi": {30, stringSpec},
	"ide": {3, stringSpec}, "sata": {5, stringSpec}, "virtio": {15, stringSpec}, "serial": {3, stringSpec},
}

var indexedRE = regexp.MustCompile(`^([a-z]+)(\d+)$`)

// configSpec is the schema of a config key.
func configSpec(key string) (spec, bool) {
	if s, ok := configSpecs[key]; ok {
		return s, true
	}
	if m := indexedRE.FindStringSubmatch(key); m != nil {
		if ix, ok := indexedSpecs[m[1]]; ok {
			if n, _ := strconv.Atoi(m[2]); n <= ix.max {
				return ix.s, true
			}
		}
	}
	return spec{}, false
}

// checkConfigSchema checks an update's parameters: config keys and
// update_vm's own.
func checkConfigSchema(params map[string]string, user string) *apiError {
	specs := map[string]spec{
		"delete": stringSpec, "revert": stringSpec, "digest": {format: maxLen(40)},
		"background_delay": {kind: "integer", min: bound(1), max: bound(30)},
		"skiplock":         skiplockSpc, "force": boolSpec,
	}
	for k := range params {
		if s, ok := configSpec(k); ok {
			specs[k] = s
		}
	}
	return checkParams(params, specs, user)
}

func maxLen(n int) func(string) error {
	return func(v string) error {
		if len(v) > n {
			return fmt.Errorf("value may only be %d characters long", n)
		}
		return nil
	}
}

// memoryFormat is pve-qm-memory: MiB, or current=MiB.
func memoryFormat(v string) error {
	v = strings.TrimPrefix(v, "current=")
	if n, err := strconv.Atoi(v); err != nil || n < 16 {
		return errors.New("format error\ncurrent: value must have a minimum value of 16")
	}
	return nil
}

// ipConfig is pve-qm-ipconfig: [gw=<ipv4>][,gw6=<ipv6>][,ip=<cidr>|dhcp][,ip6=<cidr>|dhcp|auto].
func ipConfig(v string) error {
	for _, part := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return fmt.Errorf("format error\n%s: unknown key", part)
		}
		var bad bool
		switch k {
		case "ip":
			bad = val != "dhcp" && !isCIDR(val, false)
		case "ip6":
			bad = val != "dhcp" && val != "auto" && !isCIDR(val, true)
		case "gw":
			bad = net.ParseIP(val) == nil || net.ParseIP(val).To4() == nil
		case "gw6":
			bad = net.ParseIP(val) == nil || net.ParseIP(val).To4() != nil
		default:
			return fmt.Errorf("format error\n%s: property is not defined in schema and the schema does not allow additional properties", k)
		}
		if bad {
			return fmt.Errorf("format error\n%s: invalid format - value does not look like a valid address: %s", k, val)
		}
	}
	return nil
}

func isCIDR(v string, six bool) bool {
	ip, _, err := net.ParseCIDR(v)
	return err == nil && (ip.To4() == nil) == six
}

// staticIP is the address of an ipconfig's ip=<cidr>, "" for DHCP.
func staticIP(ipconfig string) string {
	for _, part := range strings.Split(ipconfig, ",") {
		if v, ok := strings.CutPrefix(part, "ip="); ok {
			if ip, _, err := net.ParseCIDR(v); err == nil {
				return ip.String()
			}
		}
	}
	return ""
}

// validateSSHKeys checks URL-encoded sshkeys as PVE does (with
// ssh-keygen -l, here by parsing): every line a public key.
func validateSSHKeys(encoded string) error {
	keys, err := url.PathUnescape(encoded)
	if err != nil {
		return errors.New("SSH public key validation error")
	}
	for _, line := range strings.Split(keys, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !isPublicKey(line) {
			return errors.New("SSH public key validation error")
		}
	}
	return nil
}

// isPublicKey says whether line is "<type> <base64 blob> [comment]"
// whose blob names the same type.
func isPublicKey(line string) bool {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return false
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil || len(blob) < 4 {
		return false
	}
	n := binary.BigEndian.Uint32(blob)
	return int(n) <= len(blob)-4 && bytes.Equal(blob[4:4+n], []byte(fields[0]))
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
