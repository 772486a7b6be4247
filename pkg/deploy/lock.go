package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// Labels of gazr's swarm objects.
const (
	LabelLock    = "io.gazr.lock"
	LabelHistory = "io.gazr.history"
)

// Lock is a deploy lock held in the cluster itself: a swarm config whose
// name is unique per stack. Raft makes its creation atomic, so two deploys
// to the same env from any machines cannot both hold it. Its holder
// refreshes a heartbeat label (see LockHeartbeat) until it releases it.
type Lock struct {
	api   client.ConfigAPIClient
	id    string
	Owner LockOwner
	// TookOver is the owner of a dead lock this one replaced, if any.
	TookOver *LockOwner
	stop     chan struct{}
	done     chan struct{}
}

// LockOwner says who holds a lock and since when.
type LockOwner struct {
	Holder string    `json:"holder"`
	PID    int       `json:"pid"`
	Since  time.Time `json:"since"`
	Action string    `json:"action"`
	// Heartbeat is the holder's last heartbeat (from the lock's label);
	// zero for a lock of a gazr without heartbeats.
	Heartbeat time.Time `json:"-"`
}

// LockedError is returned when another deploy holds the lock.
type LockedError struct {
	Namespace string
	Owner     LockOwner
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s is locked: %s by %s since %s (%s ago); retry with --wait to queue, or, if that deploy is dead, `gazr unlock` the env",
		e.Namespace, e.Owner.Action, e.Owner.Holder, e.Owner.Since.Local().Format("15:04:05"), time.Since(e.Owner.Since).Round(time.Second))
}

func lockName(namespace string) string { return configName("gazr-lock", namespace, "") }

// configName names one of gazr's swarm configs of a stack:
// prefix.namespace+suffix, with a hash of the namespace in its place when
// the name would pass the 64 characters swarm allows (a history record's,
// for a namespace of more than 31). Labels, not names, find the configs.
func configName(prefix, namespace, suffix string) string {
	if name := prefix + "." + namespace + suffix; len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(namespace))
	return prefix + "." + hex.EncodeToString(sum[:8]) + suffix
}

// AcquireLock takes the deploy lock of a stack. A lock whose holder sent
// no heartbeat for LockLease is dead: it is taken over (Lock.TookOver says
// whose it was). With wait, it polls until the lock is free, ctx ends or
// LockWaitLimit passes; otherwise a held lock is a *LockedError.
func AcquireLock(ctx context.Context, api client.ConfigAPIClient, namespace, action string, wait bool) (*Lock, error) {
	owner := LockOwner{Holder: whoami(), PID: os.Getpid(), Since: time.Now().UTC().Truncate(time.Second), Action: action}
	data, _ := json.Marshal(owner)
	spec := swarm.ConfigSpec{
		Annotations: swarm.Annotations{Name: lockName(namespace), Labels: map[string]string{LabelLock: namespace}},
		Data:        data,
	}
	giveUp := time.Now().Add(LockWaitLimit)
	var tookOver *LockOwner
	for {
		spec.Labels[LabelLockHeartbeat] = heartbeatLabel(time.Now())
		res, err := api.ConfigCreate(ctx, client.ConfigCreateOptions{Spec: spec})
		if err == nil {
			return holdLock(api, res.ID, owner, tookOver), nil
		}
		if !cerrdefs.IsConflict(err) && !cerrdefs.IsAlreadyExists(err) {
			return nil, fmt.Errorf("take deploy lock of %s: %w", namespace, err)
		}
		held, id, herr := readLock(ctx, api, namespace)
		if herr != nil && !errors.Is(herr, ErrNotFound) {
			return nil, herr
		}
		if herr == nil && leaseExpired(held, time.Now()) {
			// Removed by ID: if another gazr took it over first, the ID
			// is gone and its new lock stays.
			if _, err := api.ConfigRemove(ctx, id, client.ConfigRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
				return nil, fmt.Errorf("take over the dead deploy lock of %s: %w", namespace, err)
			}
			tookOver = &held
			continue
		}
		if herr == nil && !wait {
			return nil, &LockedError{Namespace: namespace, Owner: held}
		}
		if time.Now().After(giveUp) {
			return nil, fmt.Errorf("gave up waiting %s for the deploy lock: %w", LockWaitLimit, &LockedError{Namespace: namespace, Owner: held})
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(2*time.Second, LockHeartbeat)):
		}
	}
}

// lockOrWait takes the deploy lock of a stack like AcquireLock. With
// wait, it first says on out who holds the lock, if anyone, then queues:
// a --wait that says nothing for minutes looks hung. It says whose dead
// lock it took over.
func lockOrWait(ctx context.Context, api client.ConfigAPIClient, namespace, action string, wait bool, out io.Writer) (*Lock, error) {
	lock, err := AcquireLock(ctx, api, namespace, action, false)
	var locked *LockedError
	if wait && errors.As(err, &locked) {
		fmt.Fprintf(out, "%s is locked: %s by %s since %s; waiting for the lock (--wait, at most %s)\n",
			namespace, locked.Owner.Action, locked.Owner.Holder, locked.Owner.Since.Local().Format("15:04:05"), LockWaitLimit)
		lock, err = AcquireLock(ctx, api, namespace, action, true)
	}
	if err == nil && lock.TookOver != nil {
		o := lock.TookOver
		fmt.Fprintf(out, "%s: took over the lock of %s by %s (pid %d), dead: no heartbeat for %s\n",
			namespace, o.Action, o.Holder, o.PID, time.Since(o.Heartbeat).Round(time.Second))
	}
	return lock, err
}

// ReadLock returns the current owner of a stack's lock, or ErrNotFound.
func ReadLock(ctx context.Context, api client.ConfigAPIClient, namespace string) (LockOwner, error) {
	owner, _, err := readLock(ctx, api, namespace)
	return owner, err
}

// readLock returns the owner of a stack's lock and the lock's config ID.
func readLock(ctx context.Context, api client.ConfigAPIClient, namespace string) (LockOwner, string, error) {
	var owner LockOwner
	res, err := api.ConfigInspect(ctx, lockName(namespace), client.ConfigInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return owner, "", ErrNotFound
	}
	if err != nil {
		return owner, "", fmt.Errorf("read deploy lock of %s: %w", namespace, err)
	}
	_ = json.Unmarshal(res.Config.Spec.Data, &owner)
	owner.Heartbeat = parseHeartbeat(res.Config.Spec.Labels[LabelLockHeartbeat])
	return owner, res.Config.ID, nil
}

// BreakLock removes a stack's lock whoever holds it (`gazr unlock`).
func BreakLock(ctx context.Context, api client.ConfigAPIClient, namespace string) (LockOwner, error) {
	owner, err := ReadLock(ctx, api, namespace)
	if err != nil {
		return owner, err
	}
	if _, err := api.ConfigRemove(ctx, lockName(namespace), client.ConfigRemoveOptions{}); err != nil {
		return owner, fmt.Errorf("remove deploy lock of %s: %w", namespace, err)
	}
	return owner, nil
}

func whoami() string {
	name := os.Getenv("GAZR_DEPLOYER")
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// Whoami names who runs gazr in records and locks: $GAZR_DEPLOYER, else
// the user, at the host ("alice@laptop").
func Whoami() string { return whoami() }
