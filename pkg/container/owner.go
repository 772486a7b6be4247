package container

import (
	"os"
	"strconv"
	"sync"
)

// Labels naming the gazr process that created a step's container, so
// that a later run can tell a container whose gazr was killed (SIGKILL,
// a crash, a closed terminal) from one whose gazr still runs; see Reap.
// Sidecar containers do not carry them: they are meant to outlive gazr.
const (
	// LabelHost is the host name of gazr's machine.
	LabelHost = "io.gazr.host"
	// LabelPIDNS is gazr's PID namespace (Linux; empty elsewhere): a
	// process id means something only within one.
	LabelPIDNS = "io.gazr.pidns"
	// LabelPID is gazr's process id.
	LabelPID = "io.gazr.pid"
	// LabelPIDStart is when that process started (Linux: boot id and
	// start time; empty elsewhere), so that a process that later got
	// the same id is not taken for gazr.
	LabelPIDStart = "io.gazr.pid-start"
)

// owner is a gazr process as its containers' labels name it.
type owner struct {
	host, pidns, pid, start string
}

// self is this process, computed once.
var self = sync.OnceValue(func() owner {
	host, _ := os.Hostname()
	pid := os.Getpid()
	start, _ := processStart(pid)
	return owner{host: host, pidns: pidNamespace(), pid: strconv.Itoa(pid), start: start}
})

// addOwnerLabels labels a step's container as this process's.
func addOwnerLabels(labels map[string]string) map[string]string {
	o := self()
	labels[LabelHost], labels[LabelPIDNS], labels[LabelPID], labels[LabelPIDStart] = o.host, o.pidns, o.pid, o.start
	return labels
}

// ownerOf reads the owner labels of a container.
func ownerOf(labels map[string]string) owner {
	return owner{host: labels[LabelHost], pidns: labels[LabelPIDNS], pid: labels[LabelPID], start: labels[LabelPIDStart]}
}

// gone reports whether o is known to be no longer running: it ran on this
// host, in this PID namespace, and no process with its id and start time
// exists. Anything this process cannot judge (another machine, another
// namespace, a label it cannot read) counts as running.
func (o owner) gone() bool {
	me := self()
	if o.host == "" || o.host != me.host || o.pidns != me.pidns {
		return false
	}
	pid, err := strconv.Atoi(o.pid)
	if err != nil || pid <= 0 {
		return false
	}
	start, alive := processStart(pid)
	if !alive {
		return true
	}
	// The id was reused by a process that started later.
	return o.start != "" && start != "" && start != o.start
}
