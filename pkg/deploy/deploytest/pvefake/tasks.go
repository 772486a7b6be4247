package pvefake

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// task is a PVE worker task: it runs in the background, holding its VM's
// config lock, and ends stopped with an exit status ("OK" or its error).
type task struct {
	upid   string
	node   string
	typ    string // qmclone, qmstart, qmstop, qmshutdown, qmreboot, qmdestroy, qmtemplate, qmconfig
	id     string // the VM id it acts on (the source VM for qmclone)
	user   string // the token: user@realm!tokenid
	pid    int
	pstart int64
	start  time.Time
	end    time.Time
	status string // running, stopped
	exit   string
	log    []string
	done   chan struct{}
}

// work is a task's body, run outside the fake's lock; undo (under the
// lock) reverts what the request did if the task fails.
type work struct {
	run  func(ctx context.Context, t *task) error
	undo func()
}

// spawn starts a task of typ on id for the request's token, locking
// lockVM's config while it works (0: no lock), and returns its UPID.
// The caller holds f.mu.
func (f *Fake) spawn(q *request, node, typ string, id, lockVM int, w work) string {
	f.pidNext++
	now := f.now()
	t := &task{
		node: node, typ: typ, id: strconv.Itoa(id), user: q.token.ID,
		pid: f.pidNext, pstart: int64(now.Sub(f.node(node).boot) / (10 * time.Millisecond)),
		start: now, status: "running", done: make(chan struct{}),
	}
	t.upid = fmt.Sprintf("UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, t.pid, t.pstart, now.Unix(), typ, t.id, t.user)
	f.tasks[t.upid] = t
	f.order = append(f.order, t.upid)
	f.wg.Add(1)
	go f.runTask(t, lockVM, w)
	return t.upid
}

func (f *Fake) runTask(t *task, lockVM int, w work) {
	defer f.wg.Done()
	defer close(t.done)
	err := f.acquire(t, lockVM)
	if err == nil {
		defer f.release(lockVM)
		err = f.gateTask(t)
	}
	if err == nil {
		f.mu.Lock()
		msg, failed := f.takeFail(t)
		f.mu.Unlock()
		if failed {
			err = errors.New(msg)
		} else {
			err = w.run(f.ctx, t)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t.status, t.end = "stopped", f.now()
	if err != nil {
		t.exit = firstLine(err.Error())
		t.log = append(t.log, "TASK ERROR: "+t.exit)
		if w.undo != nil {
			w.undo()
		}
		return
	}
	t.exit = "OK"
	t.log = append(t.log, "TASK OK")
}

// logf adds a line to t's log.
func (f *Fake) logTask(t *task, format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t.log = append(t.log, fmt.Sprintf(format, args...))
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// vmLock is a VM's config lock: held by one task, the others waiting in
// the order they came (PVE's flock, fair here so that a config change
// sent before a start is applied before it).
type vmLock struct {
	held    bool
	waiters []chan struct{}
}

// acquire takes vmid's lock for t, waiting at most LockTimeout, and
// fails as PVE does when it cannot.
func (f *Fake) acquire(t *task, vmid int) error {
	if vmid == 0 {
		return nil
	}
	f.mu.Lock()
	l := f.locks[vmid]
	if l == nil {
		l = &vmLock{}
		f.locks[vmid] = l
	}
	if !l.held {
		l.held = true
		f.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	f.mu.Unlock()
	timer := time.NewTimer(f.opts.LockTimeout)
	defer timer.Stop()
	var err error
	select {
	case <-ch:
		return nil
	case <-timer.C:
		err = fmt.Errorf("can't lock file '/var/lock/qemu-server/lock-%d.conf' - got timeout", vmid)
	case <-f.ctx.Done():
		err = errors.New("interrupted by signal")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, w := range l.waiters {
		if w == ch {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			return err
		}
	}
	// Granted while timing out: pass the lock on.
	f.releaseLocked(vmid)
	return err
}

func (f *Fake) release(vmid int) {
	if vmid == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.releaseLocked(vmid)
}

func (f *Fake) releaseLocked(vmid int) {
	l := f.locks[vmid]
	if len(l.waiters) > 0 {
		close(l.waiters[0])
		l.waiters = l.waiters[1:]
		return
	}
	l.held = false
}

// gateTask makes t last Options.TaskDelay, then waits while tasks are
// held (Hold).
func (f *Fake) gateTask(t *task) error {
	if d := f.opts.TaskDelay; d > 0 {
		select {
		case <-time.After(d):
		case <-f.ctx.Done():
			return errors.New("interrupted by signal")
		}
	}
	f.mu.Lock()
	gate := f.gate
	f.mu.Unlock()
	select {
	case <-gate:
		return nil
	case <-f.ctx.Done():
		return errors.New("interrupted by signal")
	}
}
