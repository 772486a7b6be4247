package deploytest

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// prompt is how long past its context's deadline a call may take.
const prompt = 5 * time.Second

// testProperties: a backend has a name (the env's backend when the env
// names one) and fixed properties.
func (s *suite) testProperties(t *testing.T) {
	env := s.env(t)
	b := s.backend(t, env)
	if b.Name() == "" {
		t.Fatal("Name() is empty")
	}
	if env.Backend != "" && b.Name() != env.Backend {
		t.Errorf("Name() = %q for an env whose backend is %q", b.Name(), env.Backend)
	}
	if p1, p2 := b.Properties(), b.Properties(); p1 != p2 {
		t.Errorf("Properties() changed between two calls: %+v, then %+v", p1, p2)
	}
	t.Logf("%s: %+v", b.Name(), b.Properties())
}

// testManager: Manager returns a client of an active swarm's manager.
func (s *suite) testManager(t *testing.T) {
	b := s.backend(t, s.env(t))
	api := s.manager(t, b)
	ctx := shortCtx(t)
	sw, err := api.SwarmInspect(ctx, client.SwarmInspectOptions{})
	if err != nil {
		t.Fatalf("SwarmInspect through the manager client: %v", err)
	}
	if sw.Swarm.ID == "" {
		t.Fatal("SwarmInspect: empty swarm ID")
	}
	info, err := api.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := info.Info.Swarm; st.LocalNodeState != swarm.LocalNodeStateActive || !st.ControlAvailable {
		t.Fatalf("the engine is %q in its swarm, manager %v: want an active manager", st.LocalNodeState, st.ControlAvailable)
	}
	nodes, err := api.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		t.Fatalf("NodeList through the manager client: %v", err)
	}
	for _, n := range nodes.Items {
		if n.ID == info.Info.Swarm.NodeID {
			return
		}
	}
	t.Fatalf("NodeList (%d nodes) lacks the manager's own node %s", len(nodes.Items), info.Info.Swarm.NodeID)
}

// testManagerCancelled: Manager returns at once with a cancelled context.
func (s *suite) testManagerCancelled(t *testing.T) {
	b := s.backend(t, s.env(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	t0 := time.Now()
	api, err := b.Manager(ctx)
	if err == nil {
		api.Close()
		t.Fatal("Manager with a cancelled context: no error")
	}
	if d := time.Since(t0); d > prompt {
		t.Fatalf("Manager with a cancelled context returned after %s", d)
	}
}

// testManagerUnreachable: a manager nobody listens for is ErrUnreachable,
// naming the endpoint, from Manager and from the methods that use it.
func (s *suite) testManagerUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a port that refuses connections
	env := s.env(t)
	env.Manager, env.Insecure, env.TLS = "tcp://"+addr, true, config.TLS{}
	b := s.backend(t, env)
	ctx := shortCtx(t)
	api, err := b.Manager(ctx)
	if err == nil {
		api.Close()
	}
	wantErr(t, "Manager", err, deploy.ErrUnreachable)
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("Manager: %q does not name the endpoint %s", err, env.Manager)
	}
	_, err = b.Nodes(ctx)
	wantErr(t, "Nodes", err, deploy.ErrUnreachable)
}

// testManagerSilent: a manager that accepts connections and never answers
// does not hold Manager past its context's deadline.
func (s *suite) testManagerSilent(t *testing.T) {
	l := listen(t, false)
	env := s.env(t)
	env.Manager, env.Insecure, env.TLS = "tcp://"+l.addr(), true, config.TLS{}
	b := s.backend(t, env)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	t0 := time.Now()
	api, err := b.Manager(ctx)
	if err == nil {
		api.Close()
		t.Fatal("Manager of a silent endpoint: no error")
	}
	if d := time.Since(t0); d > time.Second+prompt {
		t.Fatalf("Manager returned %s after a 1s deadline: %v", d, err)
	}
	if l.accepted() == 0 {
		t.Errorf("Manager never connected to %s (error %v)", env.Manager, err)
	}
}

// testInsecureTCP: a plain tcp:// manager without TLS is refused unless
// the env says insecure = true, before any connection is made.
func (s *suite) testInsecureTCP(t *testing.T) {
	l := listen(t, true)
	env := s.env(t)
	env.Manager, env.Insecure, env.TLS = "tcp://"+l.addr(), false, config.TLS{}
	ctx := shortCtx(t)
	b, err := s.h.New(t, options(t, env))
	if err == nil {
		var api deploy.SwarmAPI
		if api, err = b.Manager(ctx); err == nil {
			api.Close()
		}
	}
	if err == nil {
		t.Fatalf("manager %s without TLS nor insecure = true: accepted", env.Manager)
	}
	if !strings.Contains(err.Error(), "insecure") {
		t.Errorf("refusal %q does not say how to allow it (insecure = true)", err)
	}
	if n := l.accepted(); n > 0 {
		t.Fatalf("refused %s only after connecting to it (%d connections): %v", env.Manager, n, err)
	}
	// The same endpoint with insecure = true is dialled: the refusal above
	// was the policy, not a failure to connect.
	env.Insecure = true
	b = s.backend(t, env)
	if api, err := b.Manager(ctx); err == nil {
		api.Close()
		t.Fatal("Manager of an endpoint that is no engine: no error")
	}
	if l.accepted() == 0 {
		t.Fatalf("with insecure = true, Manager did not connect to %s", env.Manager)
	}
}

// listener is a local TCP endpoint that is no engine: it accepts and
// either closes each connection or holds it without a word.
type listener struct {
	ln   net.Listener
	mu   sync.Mutex
	n    int
	held []net.Conn
}

func listen(t *testing.T, closeConns bool) *listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &listener{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			l.mu.Lock()
			l.n++
			if closeConns {
				c.Close()
			} else {
				l.held = append(l.held, c)
			}
			l.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, c := range l.held {
			c.Close()
		}
	})
	return l
}

func (l *listener) addr() string { return l.ln.Addr().String() }

func (l *listener) accepted() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}
