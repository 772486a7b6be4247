package taskfile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Helper locations.
const (
	// HelperTarget is where the gazr-task helper is mounted in a step
	// container.
	HelperTarget = "/gazr/bin/gazr-task"
	// HelperEnv names a helper binary to use instead of looking for one.
	HelperEnv = "GAZR_TASK_HELPER"
	// HelperOrigin is the origin of the helper's mount in a plan.
	HelperOrigin = "gazr-task helper"
	// HelperInstall is how to install the helper, for error messages.
	HelperInstall = "CGO_ENABLED=0 go install github.com/gazr-io/gazr/cmd/gazr-task@latest"
)

// HelperError says the gazr-task helper could not be found.
type HelperError struct {
	// Looked lists the places searched, in order.
	Looked []string
	// Env is set when HelperEnv named a file that is not there.
	Env string
	Err error
}

func (e *HelperError) Error() string {
	if e.Env != "" {
		return fmt.Sprintf("the gazr-task helper %s=%q is not usable (%v); unset it or point it at a gazr-task binary", HelperEnv, e.Env, e.Err)
	}
	return fmt.Sprintf("Taskfile tasks run with the gazr-task helper, not found (looked for %s); install it next to gazr (%s) or set %s",
		strings.Join(e.Looked, ", "), HelperInstall, HelperEnv)
}

func (e *HelperError) Unwrap() error { return e.Err }

// HelperNames are the file names of the helper for a host: the Linux
// build for the engine's containers is "gazr-task" on a Linux host and
// "gazr-task-linux-<arch>" (as release archives ship it) on any host.
func HelperNames(goos, goarch string) []string {
	linux := "gazr-task-linux-" + goarch
	if goos == "linux" {
		return []string{"gazr-task", linux}
	}
	return []string{linux}
}

// FindHelper returns the path of the gazr-task helper: $GAZR_TASK_HELPER
// when set, else the first of HelperNames next to gazr's own executable
// (symlinks resolved, so a gazr linked into PATH finds the helper beside
// its real file). It returns a *HelperError when none is there, and a
// *ProtocolError when the helper found speaks another protocol (checked
// once per helper file and process).
func FindHelper() (string, error) {
	p, err := locateHelper()
	if err != nil {
		return "", err
	}
	return p, checkProtocol(p)
}

func locateHelper() (string, error) {
	if p := os.Getenv(HelperEnv); p != "" {
		return checkHelper(p)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", &HelperError{Err: err, Looked: []string{"beside gazr (unknown executable path)"}}
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return findBeside(filepath.Dir(exe), HelperNames(runtime.GOOS, runtime.GOARCH))
}

func findBeside(dir string, names []string) (string, error) {
	var looked []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		looked = append(looked, p)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", &HelperError{Looked: looked}
}

func checkHelper(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", &HelperError{Env: p, Err: err}
	}
	if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
		if err == nil {
			err = fmt.Errorf("not a regular file")
		}
		return "", &HelperError{Env: p, Err: err}
	}
	return abs, nil
}
