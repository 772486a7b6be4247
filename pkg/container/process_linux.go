package container

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// processStart returns when process pid started (the boot's id and the
// start time in clock ticks since boot, from /proc) and whether it exists.
func processStart(pid int) (string, bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", !os.IsNotExist(err)
	}
	// Fields after the command name, which may hold spaces and ")".
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", true
	}
	fields := strings.Fields(string(stat[i+1:]))
	// starttime is field 22 of the whole line, 20 after the name.
	if len(fields) < 20 {
		return "", true
	}
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return strings.TrimSpace(string(boot)) + ":" + fields[19], true
}

// pidNamespace is the id of this process's PID namespace ("pid:[N]").
func pidNamespace() string {
	ns, _ := os.Readlink("/proc/self/ns/pid")
	return ns
}
