package pvefake_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	proxmox "github.com/luthermonson/go-proxmox"
)

// testKey is an SSH public key (ed25519) for cloud-init tests.
const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl gazr@test"

// fiveNodes is the cluster: five PVE nodes, a template per role.
func fiveNodes() pvefake.Options {
	return pvefake.Options{
		Nodes: []string{"pve1", "pve2", "pve3", "pve4", "pve5"},
		Pools: []string{"gazr"},
		Templates: []pvefake.Template{
			{VMID: 9000, Name: "swarm-manager-tpl", Node: "pve1"},
			{VMID: 9001, Name: "swarm-worker-tpl", Node: "pve1"},
		},
	}
}

// start serves a fake with opts; the test closes it. The client trusts
// the fake's CA and sends DefaultToken.
func start(t *testing.T, opts pvefake.Options) (*pvefake.Fake, *proxmox.Client) {
	t.Helper()
	f := pvefake.New(opts)
	_, closeFn := f.Start()
	t.Cleanup(closeFn)
	return f, client(t, f, pvefake.DefaultTokenID, pvefake.DefaultTokenSecret)
}

// client is a go-proxmox client of f with a token.
func client(t *testing.T, f *pvefake.Fake, id, secret string, opts ...proxmox.Option) *proxmox.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(f.CACertPEM()) {
		t.Fatal("CA certificate not PEM")
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(hc.CloseIdleConnections)
	opts = append([]proxmox.Option{proxmox.WithHTTPClient(hc), proxmox.WithAPIToken(id, secret)}, opts...)
	return proxmox.NewClient(f.URL()+"/api2/json", opts...)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// wait waits for a task, polling fast.
func wait(t *testing.T, task *proxmox.Task) error {
	t.Helper()
	if task == nil {
		t.Fatal("no task")
	}
	return task.Wait(ctx(t), 10*time.Millisecond, 10*time.Second)
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// apiError is err's *proxmox.APIError with the status wanted and a
// message containing msg.
func apiError(t *testing.T, err error, status int, msg string) *proxmox.APIError {
	t.Helper()
	var e *proxmox.APIError
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want an APIError %d", err, err, status)
	}
	if e.StatusCode != status || !strings.Contains(e.Message, msg) {
		t.Fatalf("APIError = %d %q (Status %q), want %d containing %q", e.StatusCode, e.Message, e.Status, status, msg)
	}
	return e
}

// clone clones src (on pve1) into newid with opts and waits for it.
func clone(t *testing.T, c *proxmox.Client, src int, opts proxmox.VirtualMachineCloneOptions) int {
	t.Helper()
	tpl := c.NodeRef("pve1").VirtualMachineRef(src)
	newid, task, err := tpl.Clone(ctx(t), &opts)
	must(t, err)
	must(t, wait(t, task))
	return newid
}

// vmOn is a fetched VM (status and config).
func vmOn(t *testing.T, c *proxmox.Client, node string, vmid int) *proxmox.VirtualMachine {
	t.Helper()
	v, err := c.NodeRef(node).VirtualMachine(ctx(t), vmid)
	must(t, err)
	return v
}
