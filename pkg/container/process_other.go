//go:build !linux

package container

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// processStart reports whether process pid exists; its start time is not
// known here (""). On Windows, where a process cannot be probed this way,
// every process counts as existing, so nothing is ever reaped.
func processStart(pid int) (string, bool) {
	p, err := os.FindProcess(pid)
	if err != nil {
		return "", runtime.GOOS == "windows" && !errors.Is(err, os.ErrProcessDone)
	}
	defer p.Release()
	if runtime.GOOS == "windows" {
		return "", true
	}
	err = p.Signal(syscall.Signal(0))
	return "", err == nil || errors.Is(err, syscall.EPERM)
}

// pidNamespace is empty: PID namespaces are Linux's.
func pidNamespace() string { return "" }
