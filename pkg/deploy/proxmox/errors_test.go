package proxmox

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
)

// otherCA writes the PEM of a CA that signed nothing the server has.
func otherCA(t *testing.T) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other CA"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	f := filepath.Join(t.TempDir(), "ca.pem")
	must(t, os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	return f
}

// without is every privilege but drop.
func without(drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(pvefake.AllPrivileges), func(p string) bool { return slices.Contains(drop, p) })
}

// errCase is a bad input: the fake and env it needs (set, after an Up of
// 1 manager when up1), the call, and the one line it must be (a regexp,
// whole), a set-up error (exit 2) or not (exit 1).
type errCase struct {
	name  string
	opts  func(*pvefake.Options)
	edit  func(c *cluster, p *config.Proxmox)
	up1   bool
	set   func(c *cluster)
	call  func(c *cluster) error
	want  string
	setup bool
}

// TestErrors: each bad input of issue 11, against the fake PVE API
// through the real client, is one line naming the env, what is wrong
// and what to do; set-up mistakes are deploy.ErrSetup (exit 2).
func TestErrors(t *testing.T) {
	for _, tt := range errCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			opts := fiveNodes()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			c := newCluster(t, opts, nil)
			if tt.up1 {
				_, err := c.b.Up(testCtx(t), 1, 0)
				must(t, err)
			}
			p := *c.b.env.Proxmox
			if tt.edit != nil {
				tt.edit(c, &p)
				c.b = c.backend(&p)
			}
			if tt.set != nil {
				tt.set(c)
			}
			c.f.ResetCalls()
			start := time.Now()
			err := tt.call(c)
			t.Logf("%v, %d API calls", time.Since(start).Round(time.Millisecond), len(c.f.Calls()))
			if err == nil {
				t.Fatal("no error")
			}
			want := strings.ReplaceAll(tt.want, "URL", regexp.QuoteMeta(c.f.URL()))
			want = strings.ReplaceAll(want, "FINGERPRINT", c.f.Fingerprint())
			if !regexp.MustCompile("^" + want + "$").MatchString(err.Error()) {
				t.Errorf("error:\n%s\nwant:\n%s", err, want)
			}
			if isSetup(err) != tt.setup {
				t.Errorf("set-up error (exit 2): %v, want %v", isSetup(err), tt.setup)
			}
		})
	}
}

func errCases(t *testing.T) []errCase {
	manager := func(c *cluster) error { api, err := c.b.Manager(testCtx(t)); closeAPI(api); return err }
	up := func(m, w int) func(c *cluster) error {
		return func(c *cluster) error { _, err := c.b.Up(testCtx(t), m, w); return err }
	}
	token := func(v string) func(c *cluster) {
		return func(c *cluster) { c.b.getenv = func(string) string { return v } }
	}
	q := regexp.QuoteMeta
	return []errCase{
		{name: "missing token", set: token(""), call: manager, setup: true,
			want: q(`env pve: PVE_TOKEN is not set: export PVE_TOKEN=user@realm!tokenid=secret, the API token (Datacenter → Permissions → API Tokens)`)},
		{name: "malformed token", set: token("gazr@pve=secret"), call: manager, setup: true,
			want: q(`env pve: PVE_TOKEN must hold the API token as user@realm!tokenid=secret (e.g. gazr@pve!deploy=8f1c…), not a value of 15 characters`)},
		{name: "bad token", set: token(pvefake.DefaultTokenID + "=wrong"), call: manager, setup: true,
			want: q(`env pve: PVE refused the API token in PVE_TOKEN (401 Authentication failed!): check that it is user@realm!tokenid=secret, that the token exists and has not expired`)},
		{name: "privilege missing", opts: func(o *pvefake.Options) {
			o.Tokens = []pvefake.Token{{ID: pvefake.DefaultTokenID, Secret: pvefake.DefaultTokenSecret, Privs: without("VM.Clone")}}
		}, call: up(1, 0),
			want: q(`env pve: clone VM 9000 (swarm-manager-tpl) to VM 100 (pve-manager-1) on pve1: the API token lacks VM.Clone on /vms/9000 (403 Permission check failed); grant it to the token's user (and to the token, if its privileges are separated) on that path, / or the env's pool: docs/deploy-proxmox.md lists the privileges gazr needs`)},
		{name: "privileges missing, any would do", opts: func(o *pvefake.Options) {
			o.Tokens = []pvefake.Token{{ID: pvefake.DefaultTokenID, Secret: pvefake.DefaultTokenSecret, Privs: without("VM.Config.Cloudinit", "VM.Config.Network")}}
		}, call: up(1, 0),
			want: q(`env pve: configure VM 100 (pve-manager-1) (cloud-init, tags): the API token lacks VM.Config.Cloudinit or VM.Config.Network on /vms/100 (403 Permission check failed); grant one of them to the token's user (and to the token, if its privileges are separated) on that path, / or the env's pool: docs/deploy-proxmox.md lists the privileges gazr needs`)},
		{name: "VM.Audit missing", opts: func(o *pvefake.Options) {
			o.Tokens = []pvefake.Token{{ID: pvefake.DefaultTokenID, Secret: pvefake.DefaultTokenSecret, Privs: without("VM.Audit")}}
		}, call: up(1, 0), setup: true,
			want: q(`env pve: the manager template, VM 9000, does not exist (or the token may not see it); check template in [env.pve.proxmox]`)},
		{name: "unreachable", edit: func(c *cluster, p *config.Proxmox) { p.URL = closedURL(t) }, call: manager,
			want: `env pve: cannot reach the PVE API at https://127\.0\.0\.1:\d+ to list the cluster's VMs: dial tcp 127\.0\.0\.1:\d+: connect: connection refused; check url in \[env\.pve\.proxmox\], and that the host answers from here`},
		{name: "ca mismatch", edit: func(c *cluster, p *config.Proxmox) { p.CA = otherCA(t) }, call: manager, setup: true,
			want: `env pve: the PVE API at URL presents a certificate that the CA in .*/ca\.pem did not sign \(issued by CN=Proxmox Virtual Environment,OU=[0-9a-f]{32},O=PVE Cluster Manager CA\); check ca in \[env\.pve\.proxmox\] \(PVE's is /etc/pve/pve-root-ca\.pem\) or url`},
		{name: "fingerprint mismatch", edit: func(c *cluster, p *config.Proxmox) { p.CA, p.Fingerprint = "", strings.Repeat("AB:", 31)+"AB" }, call: manager, setup: true,
			want: `env pve: the PVE API at URL is not the host trusted: the server's certificate has the SHA-256 fingerprint FINGERPRINT, not (AB:){31}AB \(fingerprint in \[env\.pve\.proxmox\]\); check url, and the fingerprint the PVE web UI shows \(node → System → Certificates\)`},
		{name: "untrusted", edit: func(c *cluster, p *config.Proxmox) { p.CA = "" }, call: manager, setup: true,
			want: `env pve: the PVE API at URL presents a certificate no trusted CA signed \(issued by CN=Proxmox Virtual Environment,OU=[0-9a-f]{32},O=PVE Cluster Manager CA; PVE's own is self-signed\): set fingerprint = "FINGERPRINT" in \[env\.pve\.proxmox\] once the PVE web UI shows you the same \(node → System → Certificates\), or ca = "<pve-root-ca\.pem>"`},
		{name: "template missing", edit: func(c *cluster, p *config.Proxmox) { p.Template.Manager = 9005 }, call: up(3, 0), setup: true,
			want: q(`env pve: the manager template, VM 9005, does not exist (or the token may not see it); check template in [env.pve.proxmox]`)},
		{name: "not a template", up1: true, edit: func(c *cluster, p *config.Proxmox) { p.Template.Worker = 100 }, call: up(1, 1), setup: true,
			want: q(`env pve: the worker template, VM 100 (pve-manager-1), is not a template: convert it (qm template 100, or More → Convert to template) or check template in [env.pve.proxmox]`)},
		{name: "no PVE node fits", opts: func(o *pvefake.Options) { o.Nodes = o.Nodes[:2] }, call: up(3, 0), setup: true,
			want: q(`env pve: no PVE node fits: 3 managers need 3 distinct PVE nodes (losing a host must not lose quorum), and 2 of the online targets (pve1, pve2) hold no manager yet; add PVE nodes to targets in [env.pve.proxmox], or ask for fewer managers`)},
		{name: "failed task", opts: func(o *pvefake.Options) {
			o.Machines = failing{errors.New("rbd error: rbd: couldn't connect to the cluster!")}
		}, call: up(1, 0),
			want: q(`env pve: clone VM 9000 (swarm-manager-tpl) to VM 100 (pve-manager-1) on pve1 failed on pve1: clone failed: rbd error: rbd: couldn't connect to the cluster!; its log ends: create linked clone of drive scsi0 (vmstore:base-9000-disk-0) (task `) + `UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:gazr@pve!gazr:\)`},
		{name: "failed task, its log only", set: func(c *cluster) { c.f.Fail("qmstart", 100, "start failed: QEMU exited with code 1") }, up1: true,
			call: func(c *cluster) error {
				must(t, c.b.StopNode(testCtx(t), "100"))
				return c.b.StartNode(testCtx(t), "100")
			},
			want: q(`env pve: start VM 100 (pve-manager-1) failed on pve1: start failed: QEMU exited with code 1 (task `) + `UPID:pve1:[0-9A-F:]+:qmstart:100:gazr@pve!gazr:\)`},
		{name: "no address", up1: true, set: func(c *cluster) { c.f.StopAgent(100) }, call: up(1, 0),
			want: q(`env pve: VM 100 (pve-manager-1) reported no address within 300ms (last: ask the guest agent of VM 100 (pve-manager-1) for its addresses: PVE answered 500 QEMU guest agent is not running): check that qemu-guest-agent is installed and enabled in the VM's template (systemctl enable qemu-guest-agent) and the VM's Options → QEMU Guest Agent is on, and that the VM gets an address (DHCP, or ipconfig0), or raise boot_timeout in [env.pve.proxmox] if it boots slower`)},
		{name: "no address, manager", up1: true, set: func(c *cluster) { c.f.StopAgent(100) }, call: manager,
			want: q(`env pve: swarm manager unreachable: no running manager VM with an address (VMs with tag gazr-pve and tag gazr-manager, 1 running; VM 100 (pve-manager-1): ask the guest agent of VM 100 (pve-manager-1) for its addresses: PVE answered 500 QEMU guest agent is not running); run gazr cluster up --env pve, or start them`)},
		{name: "API silent", set: func(c *cluster) {
			c.b.timeouts.Request = 200 * time.Millisecond
			c.f.Inject(pvefake.Fault{Path: "/cluster/resources", Kind: pvefake.Silence})
		}, call: manager,
			want: q(`env pve: the PVE API at `) + `URL` + q(` did not answer (no answer within 200ms) when asked to list the cluster's VMs; check that pveproxy runs there and the cluster is quorate (pvecm status), or raise GAZR_PVE_TIMEOUT`)},
	}
}

// closedURL is an https URL where nothing listens.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := l.Addr().String()
	must(t, l.Close())
	return "https://" + addr
}

func closeAPI(api interface{ Close() error }) {
	if api != nil {
		_ = api.Close()
	}
}

// TestTrust: a pinned fingerprint, or the cluster's CA, is trusted; the
// API finding says how.
func TestTrust(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(c *cluster, p *config.Proxmox)
		want string
	}{
		{"ca", nil, "its certificate signed by "},
		{"fingerprint", func(c *cluster, p *config.Proxmox) { p.CA, p.Fingerprint = "", c.f.Fingerprint() }, "its certificate pinned by fingerprint"},
		{"fingerprint in lower case", func(c *cluster, p *config.Proxmox) { p.CA, p.Fingerprint = "", strings.ToLower(c.f.Fingerprint()) }, "pinned by fingerprint"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, fiveNodes(), nil)
			if tt.edit != nil {
				p := *c.b.env.Proxmox
				tt.edit(c, &p)
				c.b = c.backend(&p)
			}
			fs, err := c.b.Check(testCtx(t))
			must(t, err)
			if fs[1].Name != "api" || !strings.Contains(fs[1].Detail, tt.want) {
				t.Errorf("finding %+v, want %q", fs[1], tt.want)
			}
		})
	}
}

// failing are machines whose creation fails with err (a clone's task
// then fails after its first log line).
type failing struct{ err error }

func (m failing) Create(context.Context, pvefake.VM, int) error { return m.err }
func (failing) Start(context.Context, int) (string, error)      { return "", nil }
func (failing) Stop(context.Context, int) error                 { return nil }
func (failing) Shutdown(context.Context, int) error             { return nil }
func (failing) Destroy(context.Context, int) error              { return nil }
