package deploy

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// LabelLockHeartbeat holds the lock holder's last heartbeat, in Unix
// seconds of the holder's clock (clocks of the machines that deploy are
// assumed within seconds of each other, far below LockLease).
const LabelLockHeartbeat = "io.gazr.lock.heartbeat"

// Lease timings, variables for tests.
var (
	// LockHeartbeat is how often a holder refreshes its lock.
	LockHeartbeat = 10 * time.Second
	// LockLease is how long a lock lives without a heartbeat: six missed
	// heartbeats, so a loaded machine's late ones do not lose it.
	LockLease = 6 * LockHeartbeat
	// LockWaitLimit bounds how long --wait queues behind a live holder.
	LockWaitLimit = 30 * time.Minute
	// LockReleaseTimeout bounds the retries of Release: a deploy killed
	// on a loaded machine must still give the lock back.
	LockReleaseTimeout = 30 * time.Second
)

func heartbeatLabel(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func parseHeartbeat(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// leaseExpired reports whether a lock's holder is dead at now: no
// heartbeat for LockLease. A lock without heartbeats (an older gazr's) is
// never taken over; `gazr unlock` removes it.
func leaseExpired(o LockOwner, now time.Time) bool {
	return !o.Heartbeat.IsZero() && now.Sub(o.Heartbeat) > LockLease
}

// holdLock returns the lock of config id and starts its heartbeat.
func holdLock(api client.ConfigAPIClient, id string, owner LockOwner, tookOver *LockOwner) *Lock {
	l := &Lock{api: api, id: id, Owner: owner, TookOver: tookOver, stop: make(chan struct{}), done: make(chan struct{})}
	go l.heartbeat()
	return l
}

// heartbeat refreshes the lock's heartbeat label until Release. A failed
// refresh is retried at the next beat: the lease outlives several.
func (l *Lock) heartbeat() {
	defer close(l.done)
	tick := time.NewTicker(LockHeartbeat)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), LockHeartbeat)
			_ = l.beat(ctx)
			cancel()
		}
	}
}

func (l *Lock) beat(ctx context.Context) error {
	res, err := l.api.ConfigInspect(ctx, l.id, client.ConfigInspectOptions{})
	if err != nil {
		return err
	}
	spec := res.Config.Spec
	labels := map[string]string{}
	for k, v := range spec.Labels {
		labels[k] = v
	}
	labels[LabelLockHeartbeat] = heartbeatLabel(time.Now())
	spec.Labels = labels
	_, err = l.api.ConfigUpdate(ctx, l.id, client.ConfigUpdateOptions{Version: res.Config.Version, Spec: spec})
	return err
}

// Release stops the heartbeat and gives the lock back, retrying within
// LockReleaseTimeout of its own, so that a cancelled deploy (Ctrl-C,
// SIGTERM) still releases it.
func (l *Lock) Release() error {
	if l.stop != nil {
		close(l.stop)
		<-l.done
		l.stop = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), LockReleaseTimeout)
	defer cancel()
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 4*time.Second) {
		_, err := l.api.ConfigRemove(ctx, l.id, client.ConfigRemoveOptions{})
		if err == nil || cerrdefs.IsNotFound(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("release deploy lock (tried for %s): %w; it expires %s after its last heartbeat, or `gazr unlock` the env", LockReleaseTimeout, err, LockLease)
		case <-time.After(wait):
		}
	}
}

// releaseLock releases l and says on out when it could not.
func releaseLock(l *Lock, out io.Writer) {
	if err := l.Release(); err != nil {
		fmt.Fprintf(out, "warning: %v\n", err)
	}
}
