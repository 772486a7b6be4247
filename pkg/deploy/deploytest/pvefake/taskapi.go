package pvefake

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Task is a snapshot of a task, for tests.
type Task struct {
	UPID       string
	Node       string
	Type       string // qmclone, qmstart, …
	ID         string // the VM id
	User       string // the token, user@realm!tokenid
	Status     string // running, stopped
	ExitStatus string // "OK" or the error, once stopped
	Log        []string
}

// Tasks returns every task so far, oldest first.
func (f *Fake) Tasks() []Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Task, 0, len(f.order))
	for _, upid := range f.order {
		t := f.tasks[upid]
		out = append(out, Task{UPID: t.upid, Node: t.node, Type: t.typ, ID: t.id, User: t.user,
			Status: t.status, ExitStatus: t.exit, Log: append([]string(nil), t.log...)})
	}
	return out
}

// Hold keeps every task from ending (they stay running, holding their
// VM's lock) until Release: the test's hand on the task clock.
func (f *Fake) Hold() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.gate:
		f.gate = make(chan struct{})
	default:
	}
}

// Release lets held tasks, and the ones after, run to their end.
func (f *Fake) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.gate:
	default:
		close(f.gate)
	}
}

// Wait waits until no task is running, or ctx is done.
func (f *Fake) Wait(ctx context.Context) error {
	for {
		f.mu.Lock()
		running := 0
		for _, t := range f.tasks {
			if t.status == "running" {
				running++
			}
		}
		f.mu.Unlock()
		if running == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// failure is a task made to fail on demand.
type failure struct {
	typ  string
	vmid int
	msg  string
}

// Fail makes the next task of type typ (qmclone, qmstart, qmstop,
// qmshutdown, qmreboot, qmdestroy, qmtemplate, qmconfig) on vmid (the
// source VM for qmclone; 0: any VM) fail with msg: it ends stopped with
// exit status msg, its log ending "TASK ERROR: msg", and the request's
// effect undone (a failed clone leaves no VM, a failed start a stopped
// one).
func (f *Fake) Fail(typ string, vmid int, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = append(f.fails, &failure{typ: typ, vmid: vmid, msg: msg})
}

// takeFail consumes the failure armed for t, if any. The caller holds f.mu.
func (f *Fake) takeFail(t *task) (string, bool) {
	for i, fl := range f.fails {
		if fl.typ == t.typ && (fl.vmid == 0 || strconv.Itoa(fl.vmid) == t.id) {
			f.fails = append(f.fails[:i], f.fails[i+1:]...)
			return fl.msg, true
		}
	}
	return "", false
}

var upidRE = regexp.MustCompile(`^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$`)

// lookupTask finds the path's task as PVE does: a malformed UPID and a
// UPID the node has no task file for are parameter errors.
func (f *Fake) lookupTask(q *request) (*task, *apiError) {
	upid := q.seg["upid"]
	if !upidRE.MatchString(upid) {
		return nil, paramErr("upid", "unable to parse worker upid")
	}
	t, ok := f.tasks[upid]
	if !ok || t.node != q.seg["node"] {
		return nil, paramErr("upid", "no such task")
	}
	// A token sees its own tasks; other tasks need Sys.Audit on the node.
	if t.user != q.token.ID {
		if e := check(q.token, "/nodes/"+t.node, "Sys.Audit"); e != nil {
			return nil, e
		}
	}
	return t, nil
}

func (f *Fake) getTaskStatus(q *request) (any, *apiError) {
	t, e := f.lookupTask(q)
	if e != nil {
		return nil, e
	}
	user, tokenid, _ := strings.Cut(t.user, "!")
	out := map[string]any{
		"upid": t.upid, "node": t.node, "pid": t.pid, "pstart": t.pstart, "starttime": t.start.Unix(),
		"type": t.typ, "id": t.id, "user": user, "tokenid": tokenid, "status": t.status,
	}
	if t.status == "stopped" {
		out["exitstatus"] = t.exit
	}
	return out, nil
}

func (f *Fake) getTaskLog(q *request) (any, *apiError) {
	t, e := f.lookupTask(q)
	if e != nil {
		return nil, e
	}
	start, limit := atoiOr(q.params["start"], 0), atoiOr(q.params["limit"], 50)
	if q.params["start"] == "0" {
		start = 0
	}
	if q.params["limit"] == "0" {
		limit = 0
	}
	lines := []map[string]any{}
	for i := start; i < len(t.log) && len(lines) < limit; i++ {
		lines = append(lines, map[string]any{"n": i + 1, "t": t.log[i]})
	}
	if len(t.log) == 0 && start == 0 && limit > 0 {
		lines = append(lines, map[string]any{"n": 1, "t": "no content"})
	}
	return withTotal{data: lines, total: max(len(t.log), 1)}, nil
}
