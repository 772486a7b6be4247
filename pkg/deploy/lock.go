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
// to the same env from any machines cannot both hold it.
type Lock struct {
	api   client.ConfigAPIClient
	id    string
	Owner LockOwner
}

// LockOwner says who holds a lock and since when.
type LockOwner struct {
	Holder string    `json:"holder"`
	PID    int       `json:"pid"`
	Since  time.Time `json:"since"`
	Action string    `json:"action"`
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

// AcquireLock takes the deploy lock of a stack. With wait, it polls until
// the lock is free or ctx ends; otherwise a held lock is a *LockedError.
func AcquireLock(ctx context.Context, api client.ConfigAPIClient, namespace, action string, wait bool) (*Lock, error) {
	owner := LockOwner{Holder: whoami(), PID: os.Getpid(), Since: time.Now().UTC().Truncate(time.Second), Action: action}
	data, _ := json.Marshal(owner)
	spec := swarm.ConfigSpec{
		Annotations: swarm.Annotations{Name: lockName(namespace), Labels: map[string]string{LabelLock: namespace}},
		Data:        data,
	}
	for {
		res, err := api.ConfigCreate(ctx, client.ConfigCreateOptions{Spec: spec})
		if err == nil {
			return &Lock{api: api, id: res.ID, Owner: owner}, nil
		}
		if !cerrdefs.IsConflict(err) && !cerrdefs.IsAlreadyExists(err) {
			return nil, fmt.Errorf("take deploy lock of %s: %w", namespace, err)
		}
		held, herr := ReadLock(ctx, api, namespace)
		if herr != nil && !errors.Is(herr, ErrNotFound) {
			return nil, herr
		}
		if herr == nil && !wait {
			return nil, &LockedError{Namespace: namespace, Owner: held}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// lockOrWait takes the deploy lock of a stack like AcquireLock. With
// wait, it first says on out who holds the lock, if anyone, then queues:
// a --wait that says nothing for minutes looks hung.
func lockOrWait(ctx context.Context, api client.ConfigAPIClient, namespace, action string, wait bool, out io.Writer) (*Lock, error) {
	lock, err := AcquireLock(ctx, api, namespace, action, false)
	var locked *LockedError
	if !wait || !errors.As(err, &locked) {
		return lock, err
	}
	fmt.Fprintf(out, "%s is locked: %s by %s since %s; waiting for the lock (--wait)\n",
		namespace, locked.Owner.Action, locked.Owner.Holder, locked.Owner.Since.Local().Format("15:04:05"))
	return AcquireLock(ctx, api, namespace, action, true)
}

// ReadLock returns the current owner of a stack's lock, or ErrNotFound.
func ReadLock(ctx context.Context, api client.ConfigAPIClient, namespace string) (LockOwner, error) {
	var owner LockOwner
	res, err := api.ConfigInspect(ctx, lockName(namespace), client.ConfigInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return owner, ErrNotFound
	}
	if err != nil {
		return owner, fmt.Errorf("read deploy lock of %s: %w", namespace, err)
	}
	_ = json.Unmarshal(res.Config.Spec.Data, &owner)
	return owner, nil
}

// Release gives the lock back. It uses its own short context so that a
// cancelled deploy (Ctrl-C) still releases it.
func (l *Lock) Release() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := l.api.ConfigRemove(ctx, l.id, client.ConfigRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("release deploy lock: %w", err)
	}
	return nil
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
