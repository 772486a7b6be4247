//go:build unix

package container

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// lockKept takes the lock of a kept container without waiting: errKeptBusy
// when another gazr holds it. The lock goes with the process, killed too.
func lockKept(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errKeptBusy
		}
		return nil, err
	}
	return func() { _ = f.Close() }, nil
}
