package awsbed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// machines run the fake's instances on the swarmbed: an instance is a
// node. It is the fake's awsfake.Machines.
type machines struct {
	bed *Bed

	mu   sync.Mutex
	byID map[string]*machine
}

// machine is the node of an instance.
type machine struct {
	node     int                // swarmbed index; -1 until its launch has one
	cancel   context.CancelFunc // ends its launch and user data
	launched chan struct{}      // closed when Launch returns
	gone     bool               // terminated
}

var _ awsfake.Machines = (*machines)(nil)

// adopt records the node of an instance adopted at Start.
func (m *machines) adopt(id string, node int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	done := make(chan struct{})
	close(done)
	m.byID[id] = &machine{node: node, cancel: func() {}, launched: done}
}

// index returns the node of instance id.
func (m *machines) index(id string) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mc, ok := m.byID[id]
	if !ok || mc.node < 0 || mc.gone {
		return 0, false
	}
	return mc.node, true
}

// Launch adds a node for the instance; once its engine answers (the
// instance is then running) its user data joins the swarm, in the
// background as on a booting machine.
func (m *machines) Launch(ctx context.Context, inst awsfake.Instance) (string, error) {
	b := m.bed
	t0 := time.Now()
	lctx, cancel := context.WithCancel(b.ctx)
	stop := context.AfterFunc(ctx, cancel) // the fake closing
	defer stop()
	mc := &machine{node: -1, cancel: cancel, launched: make(chan struct{})}
	m.mu.Lock()
	m.byID[inst.ID] = mc
	m.mu.Unlock()
	defer close(mc.launched)

	manager := inst.Tags["Name"] == b.ManagerName()
	n, err := b.Swarm.AddNode(lctx, manager)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	mc.node = n.Index
	m.mu.Unlock()
	b.logf("%s: launched as %s (%s)", inst.ID, n.Name, n.Addr)
	b.userData.Add(1)
	go func() {
		defer b.userData.Done()
		if err := b.runUserData(lctx, inst.ID, n.Index, t0); err != nil {
			b.logf("%s: user data: %v", inst.ID, err)
		}
	}()
	return n.Addr, nil
}

// Stop shuts the instance's node down: cleanly, or killed when forced.
func (m *machines) Stop(ctx context.Context, id string, force bool) error {
	i, ok := m.index(id)
	if !ok {
		return fmt.Errorf("instance %s has no machine", id)
	}
	if force {
		return m.bed.Swarm.StopNode(ctx, i)
	}
	return m.bed.Swarm.ShutdownNode(ctx, i)
}

// Start starts the instance's node again.
func (m *machines) Start(ctx context.Context, id string) error {
	i, ok := m.index(id)
	if !ok {
		return fmt.Errorf("instance %s has no machine", id)
	}
	return m.bed.Swarm.StartNode(ctx, i)
}

// Terminate removes the instance's node (its launch is cancelled first if
// it still runs): its swarm node stays, Down.
func (m *machines) Terminate(ctx context.Context, id string) error {
	m.mu.Lock()
	mc, ok := m.byID[id]
	m.mu.Unlock()
	if !ok {
		return fmt.Errorf("instance %s has no machine", id)
	}
	mc.cancel()
	select {
	case <-mc.launched:
	case <-ctx.Done():
		return ctx.Err()
	}
	m.mu.Lock()
	i, gone := mc.node, mc.gone
	mc.gone = true
	m.mu.Unlock()
	if i < 0 || gone {
		return nil // the launch failed (and removed its node), or done already
	}
	n, _ := m.bed.Swarm.Node(i)
	return m.bed.Swarm.RemoveNode(ctx, n.Name)
}

// newInstanceID makes an EC2 instance id, i-<17 hex digits>.
func newInstanceID() string {
	var r [9]byte
	_, _ = rand.Read(r[:])
	return "i-" + hex.EncodeToString(r[:])[:17]
}
