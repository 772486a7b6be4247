package pvefake

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"net"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Machines run the fake's VMs (the bed's engines in tests; nil in unit
// tests: a VM gets a fake IP at once). The fake calls them from its task
// workers, outside its lock (they may call the fake's methods: VM gives
// a VM's cloud-init settings), with a context cancelled when the fake
// closes; a task ends when its call returns.
type Machines interface {
	// Create makes the machine of a cloned VM (not started); template is
	// the source VM's id.
	Create(ctx context.Context, vm VM, template int) error
	// Start boots the VM's machine; the guest agent reports ip after.
	Start(ctx context.Context, vmid int) (ip string, err error)
	// Stop is a hard stop (SIGKILL).
	Stop(ctx context.Context, vmid int) error
	// Shutdown is a clean stop.
	Shutdown(ctx context.Context, vmid int) error
	// Destroy removes the machine.
	Destroy(ctx context.Context, vmid int) error
}

// The token the fake knows when Options.Tokens is empty, with every
// privilege. DefaultToken is what a client sends after "PVEAPIToken=".
const (
	DefaultTokenID     = "gazr@pve!gazr"
	DefaultTokenSecret = "5f0c7e2a-3b1d-4c8e-9a6f-2d4b8c1e7f30"
	DefaultToken       = DefaultTokenID + "=" + DefaultTokenSecret
)

// Token is an API token the fake accepts: ID is user@realm!tokenid.
type Token struct {
	ID     string
	Secret string
	// Privs are the token's privileges, granted on every path (the fake
	// has no ACL paths); nil: every privilege (AllPrivileges).
	Privs []string
}

// String is the token as a client sends it: user@realm!id=secret.
func (t Token) String() string { return t.ID + "=" + t.Secret }

// Template is a VM template the fake starts with.
type Template struct {
	VMID int
	Name string
	Node string
}

// Options configure a Fake. The zero value is a one-node cluster (pve1)
// with DefaultToken, no machines, and tasks that end at once.
type Options struct {
	// Nodes are the PVE nodes' names; the API answers as the first.
	// Default pve1.
	Nodes []string
	// ClusterName is /cluster/status's name. Default "gazr".
	ClusterName string
	// Tokens the fake accepts. Default one: DefaultToken, every privilege.
	Tokens []Token
	// Pools that exist at the start.
	Pools []string
	// Templates that exist at the start (AddTemplate adds more).
	Templates []Template
	// Machines run the VMs; nil: fake IPs (10.10.x.y or ipconfig0's).
	Machines Machines
	// TaskDelay is how long every task runs at least, once it holds its
	// VM's lock. Default 0. See also Hold.
	TaskDelay time.Duration
	// AgentDelay is how long a started VM's guest agent says it is not
	// running. Default 0.
	AgentDelay time.Duration
	// LockTimeout is how long a task waits for its VM's config lock
	// (held by the VM's earlier task) before failing as PVE does. Default 10 s.
	LockTimeout time.Duration
	// AuthFailDelay delays every 401 (PVE waits 3 s). Default 0.
	AuthFailDelay time.Duration
	// SilenceBound is how long a Silence fault holds a request before
	// dropping the connection, if the client has not gone. Default 2 min.
	SilenceBound time.Duration
	// NodeCPUs and NodeMemory (bytes) size every node. Default 16 and 64 GiB.
	NodeCPUs   int
	NodeMemory uint64
	// Now is the fake's clock (task start times, uptimes). Default time.Now.
	Now func() time.Time
	// Logf receives the fake's diagnostics; nil: none.
	Logf func(format string, args ...any)
}

// Fake is a stateful fake of the Proxmox VE API, an http.Handler served
// over TLS by Start. Its methods are safe for concurrent use.
type Fake struct {
	opts Options
	cert certs

	mu      sync.Mutex
	nodes   []*node
	vms     map[int]*vm
	pools   map[string]*pool
	tasks   map[string]*task
	order   []string // task UPIDs, oldest first
	locks   map[int]*vmLock
	fails   []*failure
	faults  []*Fault
	calls   []Call
	gate    chan struct{} // closed while tasks may end (see Hold)
	pidNext int
	ipNext  int

	srv    *httptest.Server
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // task workers
}

// New returns a fake with opts' nodes, pools and templates; it serves
// nothing until Start (or use it as an http.Handler).
func New(opts Options) *Fake {
	opts = withDefaults(opts)
	f := &Fake{
		opts:    opts,
		vms:     map[int]*vm{},
		pools:   map[string]*pool{},
		tasks:   map[string]*task{},
		locks:   map[int]*vmLock{},
		gate:    make(chan struct{}),
		pidNext: 4000 + int(opts.Now().Unix()%1000),
	}
	close(f.gate)
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.cert = newCerts(opts.Nodes[0], opts.Nodes)
	for i, n := range opts.Nodes {
		f.nodes = append(f.nodes, &node{name: n, ip: fmt.Sprintf("10.0.0.%d", 11+i), online: true,
			boot: opts.Now().Add(-72 * time.Hour)})
	}
	for _, p := range opts.Pools {
		f.pools[p] = &pool{id: p, vms: map[int]bool{}}
	}
	for _, t := range opts.Templates {
		f.AddTemplate(t.VMID, t.Name, t.Node)
	}
	return f
}

func withDefaults(opts Options) Options {
	if len(opts.Nodes) == 0 {
		opts.Nodes = []string{"pve1"}
	}
	opts.Nodes = slices.Clone(opts.Nodes)
	if opts.ClusterName == "" {
		opts.ClusterName = "gazr"
	}
	if len(opts.Tokens) == 0 {
		opts.Tokens = []Token{{ID: DefaultTokenID, Secret: DefaultTokenSecret}}
	}
	for _, t := range opts.Tokens {
		for _, p := range t.Privs {
			if !slices.Contains(AllPrivileges, p) {
				panic(fmt.Sprintf("pvefake: token %s: unknown privilege %q", t.ID, p))
			}
		}
	}
	if opts.LockTimeout == 0 {
		opts.LockTimeout = 10 * time.Second
	}
	if opts.SilenceBound == 0 {
		opts.SilenceBound = 2 * time.Minute
	}
	if opts.NodeCPUs == 0 {
		opts.NodeCPUs = 16
	}
	if opts.NodeMemory == 0 {
		opts.NodeMemory = 64 << 30
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return opts
}

// Start serves the fake over TLS (its own certificate, see CertPEM) on a
// new 127.0.0.1 port and returns its URL ("https://127.0.0.1:PORT", the
// API under /api2/json); close stops the server and the fake.
func (f *Fake) Start() (url string, close func()) {
	url, close, err := f.StartAt("127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("pvefake: %v", err))
	}
	return url, close
}

// StartAt is Start on addr ("127.0.0.1:8006"), for a fake run on its own.
func (f *Fake) StartAt(addr string) (url string, close func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := httptest.NewUnstartedServer(f)
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{f.cert.tls}}
	srv.Config.ErrorLog = log.New(logWriter{f}, "", 0) // TLS handshakes refused by clients' trust tests
	srv.StartTLS()
	f.mu.Lock()
	f.srv = srv
	f.mu.Unlock()
	return srv.URL, func() {
		f.cancel() // releases silenced requests and running tasks
		srv.CloseClientConnections()
		srv.Close()
		f.Close()
	}, nil
}

// URL is the served address ("https://127.0.0.1:PORT"), "" before Start.
func (f *Fake) URL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.srv == nil {
		return ""
	}
	return f.srv.URL
}

// Close cancels running tasks and machine calls and waits for them.
func (f *Fake) Close() {
	f.cancel()
	f.wg.Wait()
}

func (f *Fake) now() time.Time { return f.opts.Now() }

func (f *Fake) logf(format string, args ...any) {
	if f.opts.Logf != nil {
		f.opts.Logf("pvefake: "+format, args...)
	}
}

// logWriter sends the HTTP server's log to Logf.
type logWriter struct{ f *Fake }

func (w logWriter) Write(p []byte) (int, error) {
	w.f.logf("%s", strings.TrimSpace(string(p)))
	return len(p), nil
}
