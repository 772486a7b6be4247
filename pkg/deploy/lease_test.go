package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// fastLease shortens the lease timings for a test.
func fastLease(t *testing.T) {
	t.Helper()
	hb, lease, wait, rel := LockHeartbeat, LockLease, LockWaitLimit, LockReleaseTimeout
	LockHeartbeat, LockLease, LockWaitLimit, LockReleaseTimeout = 20*time.Millisecond, 2*time.Second, 300*time.Millisecond, time.Second
	t.Cleanup(func() { LockHeartbeat, LockLease, LockWaitLimit, LockReleaseTimeout = hb, lease, wait, rel })
}

// holdFor puts a lock of another gazr in f, with its last heartbeat at
// beat ("" for an older gazr without heartbeats).
func holdFor(t *testing.T, f *fakeConfigs, ns, beat string) {
	t.Helper()
	data, _ := json.Marshal(LockOwner{Holder: "ci@runner", PID: 4242, Since: time.Now().Add(-time.Hour), Action: "deploy v1"})
	labels := map[string]string{LabelLock: ns}
	if beat != "" {
		labels[LabelLockHeartbeat] = beat
	}
	spec := swarm.ConfigSpec{Annotations: swarm.Annotations{Name: lockName(ns), Labels: labels}, Data: data}
	if _, err := f.ConfigCreate(context.Background(), client.ConfigCreateOptions{Spec: spec}); err != nil {
		t.Fatal(err)
	}
}

func TestLeaseExpired(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name string
		beat time.Time
		want bool
	}{
		{name: "fresh", beat: now.Add(-time.Second)},
		{name: "late but within the lease", beat: now.Add(-LockLease)},
		{name: "dead", beat: now.Add(-LockLease - time.Second), want: true},
		{name: "no heartbeat (older gazr)", beat: time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := leaseExpired(LockOwner{Heartbeat: tt.beat}, now); got != tt.want {
				t.Errorf("leaseExpired(%v) = %v, want %v", tt.beat, got, tt.want)
			}
		})
	}
}

// TestLockTakesOverADeadHolder: a holder that stopped its heartbeat loses
// the lock, and the new holder says whose it took (issue 9: --wait waited
// forever on a dead holder).
func TestLockTakesOverADeadHolder(t *testing.T) {
	fastLease(t)
	f := newFakeConfigs()
	holdFor(t, f, "shop-ci", heartbeatLabel(time.Now().Add(-time.Minute)))
	var out bytes.Buffer
	lock, err := lockOrWait(t.Context(), f, "shop-ci", "deploy v2", false, &out)
	if err != nil {
		t.Fatalf("lockOrWait = %v, want the dead holder's lock taken over", err)
	}
	defer lock.Release()
	if lock.TookOver == nil || lock.TookOver.Holder != "ci@runner" {
		t.Errorf("TookOver = %+v, want ci@runner's lock", lock.TookOver)
	}
	if !strings.Contains(out.String(), "took over the lock of deploy v1 by ci@runner (pid 4242), dead: no heartbeat for 1m") {
		t.Errorf("output = %q, want it to say whose dead lock it took over", out.String())
	}
	owner, err := ReadLock(t.Context(), f, "shop-ci")
	if err != nil || owner.Action != "deploy v2" {
		t.Errorf("lock now held by %+v (%v), want deploy v2", owner, err)
	}
}

func TestLockLiveHolderKeepsIt(t *testing.T) {
	fastLease(t)
	for name, beat := range map[string]string{"fresh heartbeat": heartbeatLabel(time.Now()), "older gazr": ""} {
		t.Run(name, func(t *testing.T) {
			f := newFakeConfigs()
			holdFor(t, f, "shop-ci", beat)
			_, err := AcquireLock(t.Context(), f, "shop-ci", "deploy v2", false)
			var locked *LockedError
			if !errors.As(err, &locked) || locked.Owner.Holder != "ci@runner" {
				t.Fatalf("AcquireLock = %v, want a *LockedError naming ci@runner", err)
			}
			// --wait gives up after LockWaitLimit.
			start := time.Now()
			_, err = AcquireLock(t.Context(), f, "shop-ci", "deploy v2", true)
			if !errors.As(err, &locked) || !strings.Contains(err.Error(), "gave up waiting") {
				t.Errorf("AcquireLock(wait) = %v, want it to give up with a *LockedError", err)
			}
			if took := time.Since(start); took < LockWaitLimit || took > LockWaitLimit+3*time.Second {
				t.Errorf("AcquireLock(wait) took %s, want about %s", took, LockWaitLimit)
			}
		})
	}
}

// TestLockHeartbeat: the holder refreshes its lock until it releases it,
// so a live deploy never looks dead.
func TestLockHeartbeat(t *testing.T) {
	fastLease(t)
	f := newFakeConfigs()
	lock, err := AcquireLock(t.Context(), f, "shop-ci", "deploy v1", false)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * LockHeartbeat)
	res, err := f.ConfigInspect(t.Context(), lock.id, client.ConfigInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Config.Version.Index < 3 {
		t.Errorf("lock updated %d times in 10 heartbeats, want several", res.Config.Version.Index-1)
	}
	if res.Config.Spec.Labels[LabelLock] != "shop-ci" || parseHeartbeat(res.Config.Spec.Labels[LabelLockHeartbeat]).IsZero() {
		t.Errorf("labels after heartbeats = %v, want the lock's and a heartbeat", res.Config.Spec.Labels)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLock(t.Context(), f, "shop-ci"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Release, ReadLock = %v, want ErrNotFound", err)
	}
}

// TestLockReleaseRetries: a release that fails (a loaded manager) is
// retried within its own deadline, and says so when it still fails.
func TestLockReleaseRetries(t *testing.T) {
	fastLease(t)
	f := newFakeConfigs()
	lock, err := AcquireLock(t.Context(), f, "shop-ci", "rollback to v1", false)
	if err != nil {
		t.Fatal(err)
	}
	f.failRemoves = 2
	if err := lock.Release(); err != nil {
		t.Errorf("Release after 2 failures = %v, want it retried", err)
	}
	lock, err = AcquireLock(t.Context(), f, "shop-ci", "rollback to v1", false)
	if err != nil {
		t.Fatal(err)
	}
	f.failRemoves = 1 << 20
	var out bytes.Buffer
	releaseLock(lock, &out)
	if !strings.Contains(out.String(), "warning: release deploy lock (tried for 1s)") || !strings.Contains(out.String(), "gazr unlock") {
		t.Errorf("output = %q, want a warning saying the lock is still held and what to do", out.String())
	}
}
