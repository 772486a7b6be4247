package awsfake

import (
	"fmt"
	"sync"
)

// opKind is a machine operation.
type opKind int

const (
	opLaunch opKind = iota
	opStop
	opStart
	opTerminate
)

// past is the kind's verb in EC2's IncorrectInstanceState message.
func (k opKind) past() string {
	return [...]string{"launched", "stopped", "started", "terminated"}[k]
}

// machineOp is one call to Machines, with the instance as it was asked.
type machineOp struct {
	kind  opKind
	id    string
	force bool
	inst  Instance
}

// transition is the state an instance in state s goes to when kind is
// asked of it, and whether EC2 accepts the request at all.
func transition(kind opKind, s string) (string, bool) {
	switch kind {
	case opStop:
		switch s {
		case StateRunning, StateStopping:
			return StateStopping, true
		case StateStopped:
			return s, true
		}
	case opStart:
		switch s {
		case StateStopped:
			return StatePending, true
		case StatePending, StateRunning:
			return s, true
		}
	case opTerminate:
		if s == StateTerminated || s == StateShuttingDown {
			return s, true
		}
		return StateShuttingDown, true
	}
	return s, false
}

// begin moves in to the transitional state of kind, and returns the
// machine operation to run if the state changed; f.mu held.
func (f *Fake) begin(in *instance, kind opKind, force bool, reason string) (machineOp, bool) {
	next, _ := transition(kind, in.State)
	if next == in.State {
		return machineOp{}, false
	}
	in.State = next
	switch kind {
	case opStop:
		in.Reason = reason
	case opStart:
		in.Reason = ""
	case opTerminate:
		in.Reason = reason
		if in.Lifecycle != "" {
			in.Lifecycle = LifecycleTerminating
		}
	}
	return machineOp{kind: kind, id: in.ID, force: force, inst: in.clone()}, true
}

// run runs machine operations: with no Machines at once, else each in a
// goroutine (counted in wg too, if not nil), outside f.mu.
func (f *Fake) run(ops []machineOp, wg *sync.WaitGroup) {
	for _, op := range ops {
		if f.opts.Machines == nil {
			f.complete(op, "", nil)
			continue
		}
		f.mu.Lock()
		closed := f.ctx.Err() != nil
		if !closed {
			f.inflight++
		}
		f.mu.Unlock()
		if closed {
			f.complete(op, "", fmt.Errorf("the fake is closed"))
			continue
		}
		if wg != nil {
			wg.Add(1)
		}
		go func() {
			ip, err := f.call(op)
			f.complete(op, ip, err)
			f.mu.Lock()
			f.inflight--
			f.mu.Unlock()
			if wg != nil {
				wg.Done()
			}
		}()
	}
}

// call asks Machines to do op.
func (f *Fake) call(op machineOp) (ip string, err error) {
	m := f.opts.Machines
	switch op.kind {
	case opLaunch:
		return m.Launch(f.ctx, op.inst)
	case opStop:
		return "", m.Stop(f.ctx, op.id, op.force)
	case opStart:
		return "", m.Start(f.ctx, op.id)
	default:
		return "", m.Terminate(f.ctx, op.id)
	}
}

// complete records the end of op: the instance reaches its state.
func (f *Fake) complete(op machineOp, ip string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.instances[op.id]
	if in == nil {
		return
	}
	if err != nil {
		f.logf("%s %s: %v", op.kind.past(), op.id, err)
	}
	switch op.kind {
	case opLaunch:
		f.launched(in, ip, err)
	case opStop:
		if in.State != StateStopping {
			return
		}
		in.State = StateStopped
		if err != nil {
			in.State, in.Reason = StateRunning, "stop failed: "+err.Error()
		}
	case opStart:
		if in.State != StatePending {
			return
		}
		in.State = StateRunning
		if err != nil {
			in.State, in.Reason = StateStopped, "start failed: "+err.Error()
		}
	case opTerminate:
		f.terminated(in)
	}
}

// launched records the end of in's launch; f.mu held.
func (f *Fake) launched(in *instance, ip string, err error) {
	if err != nil {
		in.failed = true
		in.Reason = "launch failed: " + err.Error()
		f.terminated(in)
		return
	}
	if ip == "" && f.opts.Machines == nil {
		f.ipNext++
		ip = fmt.Sprintf("10.0.%d.%d", f.ipNext/250, f.ipNext%250+4)
	}
	in.PrivateIP = ip
	if in.State != StatePending {
		return // terminated while launching
	}
	in.State = StateRunning
	if in.Lifecycle == LifecyclePending {
		in.Lifecycle = LifecycleInService
	}
}

// terminated makes in terminated, out of its group; f.mu held.
func (f *Fake) terminated(in *instance) {
	in.State, in.TerminatedAt = StateTerminated, f.now()
	if in.Lifecycle != "" {
		in.Lifecycle = LifecycleTerminated
	}
}
