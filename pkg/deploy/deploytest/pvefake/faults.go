package pvefake

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind string

// Fault kinds.
const (
	// Unreachable drops the connection without an answer, as a host
	// that went away (the client sees EOF or a reset).
	Unreachable FaultKind = "Unreachable"
	// Silence answers nothing: the request is held until the client
	// goes away, the fake closes, or Options.SilenceBound passes (then
	// the connection is dropped).
	Silence FaultKind = "Silence"
	// ServerError answers Fault.Status (default 500) with Fault.Message
	// (default "Internal Server Error") as pveproxy answers its own
	// failures: the reason phrase, {"data":null,"message":…}.
	ServerError FaultKind = "ServerError"
)

// Fault makes requests fail before the fake reads them (before
// authentication). Method ("GET", "" for any) and Path, a path.Match
// pattern on the path under /api2/json ("/nodes/*/qemu/*/clone", "" for
// any), select the requests. Count is how many it fails, 0 for every one
// until ClearFaults. The first matching fault answers.
type Fault struct {
	Method  string
	Path    string
	Kind    FaultKind
	Status  int
	Message string
	Count   int
}

// Inject adds a fault.
func (f *Fake) Inject(flt Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &flt)
}

// ClearFaults removes every fault.
func (f *Fake) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// takeFault returns the first fault matching the request, counting it down.
func (f *Fake) takeFault(method, p string) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, flt := range f.faults {
		if flt.Method != "" && !strings.EqualFold(flt.Method, method) {
			continue
		}
		if ok, _ := path.Match(flt.Path, p); flt.Path != "" && !ok {
			continue
		}
		got := *flt
		if flt.Count > 0 {
			flt.Count--
			if flt.Count == 0 {
				f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
			}
		}
		return &got
	}
	return nil
}

// answerFault answers r as flt says and returns the status (0: none).
func (f *Fake) answerFault(w http.ResponseWriter, r *http.Request, flt *Fault) int {
	switch flt.Kind {
	case Unreachable:
		drop(w)
		return 0
	case Silence:
		t := time.NewTimer(f.opts.SilenceBound)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-f.ctx.Done():
		case <-t.C:
		}
		drop(w)
		return 0
	}
	status, msg := flt.Status, flt.Message
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	writeError(w, &apiError{status: status, msg: msg + "\n"})
	return status
}

// drop closes the request's connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// LoseNode makes a PVE node lost, as a host that died: it goes offline
// (the cluster loses quorum if most nodes are), requests proxied to it
// answer 595, its VMs show "unknown" in /cluster/resources, and their
// machines are hard-stopped (Machines.Stop); they stay on the node,
// stopped, as PVE does without HA.
func (f *Fake) LoseNode(name string) error {
	f.mu.Lock()
	n := f.node(name)
	if n == nil {
		f.mu.Unlock()
		return fmt.Errorf("pvefake: no node %q", name)
	}
	n.online = false
	var ids []int
	for _, id := range f.vmIDs() {
		if v := f.vms[id]; v.node == name && v.status == "running" {
			v.status, v.pid = "stopped", 0
			ids = append(ids, id)
		}
	}
	f.mu.Unlock()
	m := f.opts.Machines
	if m == nil {
		return nil
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			if err := m.Stop(f.ctx, id); err != nil {
				errs[i] = fmt.Errorf("VM %d: %w", id, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// RestoreNode brings a lost node back online (its VMs stay stopped, as
// after the host's reboot).
func (f *Fake) RestoreNode(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.node(name)
	if n == nil {
		return fmt.Errorf("pvefake: no node %q", name)
	}
	if !n.online {
		n.online, n.boot = true, f.now()
	}
	return nil
}
