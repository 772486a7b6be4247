package pvefake_test

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	proxmox "github.com/luthermonson/go-proxmox"
)

// 401 for a missing or wrong token, 403 naming the missing privilege.
func TestAuth(t *testing.T) {
	opts := fiveNodes()
	opts.Tokens = []pvefake.Token{
		{ID: pvefake.DefaultTokenID, Secret: pvefake.DefaultTokenSecret},
		{ID: "audit@pve!ro", Secret: "ro-secret", Privs: []string{"VM.Audit", "Sys.Audit"}},
	}
	f, _ := start(t, opts)
	_, err := client(t, f, pvefake.DefaultTokenID, "wrong").Version(ctx(t))
	e := apiError(t, err, 401, "Authentication failed!")
	if !proxmox.IsNotAuthorized(err) || e.Status != "401 Authentication failed!" {
		t.Errorf("wrong secret: %v (status %q)", err, e.Status)
	}
	_, err = proxmox.NewClient(f.URL()+"/api2/json", proxmox.WithInsecureSkipVerify()).Version(ctx(t))
	apiError(t, err, 401, "No ticket")
	ro := client(t, f, "audit@pve!ro", "ro-secret")
	if _, err := ro.NodeRef("pve1").VirtualMachine(ctx(t), 9000); err != nil {
		t.Fatalf("audit token reading a VM: %v", err)
	}
	_, _, err = ro.NodeRef("pve1").VirtualMachineRef(9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 100})
	apiError(t, err, 403, "Permission check failed (/vms/9000, VM.Clone)")
	if !proxmox.IsForbidden(err) {
		t.Errorf("IsForbidden(%v) = false", err)
	}
	_, err = ro.NodeRef("pve1").VirtualMachineRef(9000).Start(ctx(t))
	apiError(t, err, 403, "Permission check failed (/vms/9000, VM.PowerMgmt)")
	_, err = ro.NodeRef("pve1").VirtualMachineRef(9000).AgentGetNetworkIFaces(ctx(t))
	apiError(t, err, 403, "Permission check failed (/vms/9000, VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)")
	if calls := f.Calls(); calls[len(calls)-1].Token != "audit@pve!ro" || calls[len(calls)-1].Status != 403 {
		t.Errorf("last call = %+v", calls[len(calls)-1])
	}
}

// An unknown VM, a VM asked of another node, an unknown path.
func TestNotFound(t *testing.T) {
	_, c := start(t, fiveNodes())
	_, err := c.NodeRef("pve1").VirtualMachine(ctx(t), 4242)
	e := apiError(t, err, 500, "Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist")
	if e.Status != "500 Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist" || !proxmox.IsNotFound(err) {
		t.Errorf("status line %q, IsNotFound %v", e.Status, proxmox.IsNotFound(err))
	}
	_, err = c.NodeRef("pve2").VirtualMachine(ctx(t), 9000)
	apiError(t, err, 500, "Configuration file 'nodes/pve2/qemu-server/9000.conf' does not exist")
	err = c.Get(ctx(t), "/nodes/pve1/lxc", nil)
	apiError(t, err, 501, "Method 'GET /nodes/pve1/lxc' not implemented")
	task := proxmox.NewTask("UPID:pve1:00001234:00005678:65000000:qmstart:100:root@pam:", c)
	err = task.Ping(ctx(t))
	if e := apiError(t, err, 400, "Parameter verification failed."); e.Errors["upid"] != "no such task" {
		t.Errorf("errors = %q", e.Errors)
	}
}

// Parameter errors as PVE's schema words them; SSH keys checked.
func TestParamErrors(t *testing.T) {
	_, c := start(t, fiveNodes())
	tpl := c.NodeRef("pve1").VirtualMachineRef(9000)
	_, _, err := tpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 100, Name: "bad_name"})
	if e := apiError(t, err, 400, "Parameter verification failed."); e.Errors["name"] != "invalid format - value does not look like a valid DNS name" || !proxmox.IsBadRequest(err) {
		t.Errorf("errors = %q", e.Errors)
	}
	id := clone(t, c, 9000, proxmox.VirtualMachineCloneOptions{Name: "ok"})
	v := c.NodeRef("pve1").VirtualMachineRef(id)
	err = v.ConfigSync(ctx(t), proxmox.VirtualMachineOption{Name: "sshkeys", Value: strings.ReplaceAll(proxmox.EncodeSSHKeys(testKey), "%20", "+")})
	if e := apiError(t, err, 400, "Parameter verification failed."); !strings.HasPrefix(e.Errors["sshkeys"], "invalid format - invalid urlencoded string") {
		t.Errorf("errors = %q", e.Errors)
	}
	err = v.ConfigSync(ctx(t), proxmox.VirtualMachineOption{Name: "sshkeys", Value: proxmox.EncodeSSHKeys("ssh-ed25519 bm90IGEga2V5 x")})
	apiError(t, err, 500, "SSH public key validation error")
	err = v.ConfigSync(ctx(t), proxmox.VirtualMachineOption{Name: "cores", Value: "many"}, proxmox.VirtualMachineOption{Name: "frobnicate", Value: 1})
	e := apiError(t, err, 400, "Parameter verification failed.")
	if e.Errors["cores"] != "type check ('integer') failed - got 'many'" || !strings.HasPrefix(e.Errors["frobnicate"], "property is not defined in schema") {
		t.Errorf("errors = %q", e.Errors)
	}
	err = v.ConfigSync(ctx(t), proxmox.VirtualMachineOption{Name: "ipconfig0", Value: "ip=10.1.2.300/24"})
	apiError(t, err, 400, "Parameter verification failed.")
	must(t, v.ConfigSync(ctx(t), proxmox.VirtualMachineOption{Name: "ipconfig0", Value: "ip=10.1.2.30/24,gw=10.1.2.1"}))
	task, err := v.Start(ctx(t))
	must(t, err)
	must(t, wait(t, task))
	ifaces, err := v.AgentGetNetworkIFaces(ctx(t))
	must(t, err)
	if ifaces[0].IPAddresses[0].IPAddress != "10.1.2.30" {
		t.Errorf("agent address = %+v, want ipconfig0's 10.1.2.30", ifaces[0].IPAddresses[0])
	}
}

// TLS: the fake's CA verifies it; its fingerprint is the SHA-256 of the
// certificate it serves, as PVE shows it; another fake's CA does not.
func TestTLS(t *testing.T) {
	f, _ := start(t, fiveNodes())
	other, _ := start(t, fiveNodes())
	if !regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`).MatchString(f.Fingerprint()) {
		t.Fatalf("fingerprint %q", f.Fingerprint())
	}
	var served string
	pin := &tls.Config{InsecureSkipVerify: true, VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
		sum := sha256.Sum256(raw[0])
		served = strings.ToUpper(hex.EncodeToString(sum[:]))
		if served != strings.ReplaceAll(f.Fingerprint(), ":", "") {
			return errors.New("fingerprint mismatch")
		}
		return nil
	}}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pin}}
	c := proxmox.NewClient(f.URL()+"/api2/json", proxmox.WithHTTPClient(hc), proxmox.WithAPIToken(pvefake.DefaultTokenID, pvefake.DefaultTokenSecret))
	if _, err := c.Version(ctx(t)); err != nil {
		t.Fatalf("pinned fingerprint: %v", err)
	}
	if _, err := proxmox.NewClient(other.URL()+"/api2/json", proxmox.WithHTTPClient(hc)).Version(ctx(t)); err == nil || !strings.Contains(err.Error(), "fingerprint mismatch") {
		t.Errorf("other fake, pinned: %v", err)
	}
	wrongCA := proxmox.NewClient(other.URL()+"/api2/json", proxmox.WithRootCAs(poolOf(t, f.CACertPEM())))
	var uerr x509.UnknownAuthorityError
	if _, err := wrongCA.Version(ctx(t)); !errors.As(err, &uerr) {
		t.Errorf("other fake with this CA: %v, want unknown authority", err)
	}
}

func poolOf(t *testing.T, pem []byte) *x509.CertPool {
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(pem) {
		t.Fatal("not PEM")
	}
	return p
}

// The wire itself: a form body (as curl sends), booleans only 0 or 1,
// error bodies and headers as pveproxy's.
func TestWire(t *testing.T) {
	f, _ := start(t, fiveNodes())
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: poolOf(t, f.CACertPEM())}}}
	post := func(path, form string) (*http.Response, string) {
		req, _ := http.NewRequest("POST", f.URL()+"/api2/json"+path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "PVEAPIToken="+pvefake.DefaultToken)
		res, err := hc.Do(req)
		must(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := post("/nodes/pve1/qemu/9000/clone", "newid=300&full=true")
	if res.StatusCode != 400 || body != `{"data":null,"errors":{"full":"type check ('boolean') failed - got 'true'"},"message":"Parameter verification failed.\n"}` {
		t.Errorf("form with full=true: %s %s", res.Status, body)
	}
	res, body = post("/nodes/pve1/qemu/9000/clone", "newid=300&name=web-1&full=1")
	if res.StatusCode != 200 || !strings.HasPrefix(body, `{"data":"UPID:pve1:`) || !strings.HasSuffix(body, `:qmclone:9000:gazr@pve!gazr:"}`) {
		t.Errorf("form clone: %s %s", res.Status, body)
	}
	res, body = post("/nodes/pve1/qemu/4242/status/start", "")
	if res.Status != "500 Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist" ||
		res.Header.Get("Content-Type") != "application/json;charset=UTF-8" || res.Header.Get("Server") != "pve-api-daemon/3.0" ||
		body != `{"data":null,"message":"Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist\n"}` {
		t.Errorf("unknown VM: %s %v %s", res.Status, res.Header, body)
	}
}
