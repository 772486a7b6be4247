package container

import (
	"os/exec"
	"runtime"
	"strconv"
	"testing"
)

// TestOwnerGone: only a gazr known to be gone (this host and namespace,
// no such process, or its id reused) makes its containers reapable.
func TestOwnerGone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("processes are not probed on Windows: nothing is reaped")
	}
	me := self()
	live := exec.Command("sleep", "60")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = live.Process.Kill(); _ = live.Wait() }()
	liveStart, _ := processStart(live.Process.Pid)

	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := strconv.Itoa(dead.Process.Pid)

	type ownerCase struct {
		name string
		o    owner
		want bool
	}
	tests := []ownerCase{
		{"this process", me, false},
		{"another live process", owner{me.host, me.pidns, strconv.Itoa(live.Process.Pid), liveStart}, false},
		{"a process that exited", owner{me.host, me.pidns, deadPID, "x"}, true},
		{"a process that exited, no start time", owner{me.host, me.pidns, deadPID, ""}, true},
		{"another host", owner{"elsewhere", me.pidns, deadPID, ""}, false},
		{"another PID namespace", owner{me.host, "pid:[1]", deadPID, ""}, false},
		{"no host label", owner{"", me.pidns, deadPID, ""}, false},
		{"a bad pid label", owner{me.host, me.pidns, "x", ""}, false},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests, ownerCase{"an id reused by a later process", owner{me.host, me.pidns, strconv.Itoa(live.Process.Pid), liveStart + "0"}, true})
	}
	for _, tt := range tests {
		if got := tt.o.gone(); got != tt.want {
			t.Errorf("%s: gone(%+v) = %v, want %v", tt.name, tt.o, got, tt.want)
		}
	}
}
