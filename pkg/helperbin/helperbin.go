// Package helperbin finds the helper executables released with gazr
// (gazr-task, gazr-aws): at the path an environment variable names, or
// beside gazr's own executable (symlinks resolved), and asks them which
// protocol they speak. Errors say where it looked and how to install one.
package helperbin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Helper describes one helper executable.
type Helper struct {
	// Name is the helper's name ("gazr-aws").
	Name string
	// Env names an environment variable pointing at the helper, which
	// then is the only place looked at ("GAZR_AWS_HELPER").
	Env string
	// Files are the file names looked for beside gazr, in order.
	Files []string
	// Install says how to install it ("go install …@latest").
	Install string
	// Needed says what needs it, starting a sentence ("the aws backend
	// calls AWS through the gazr-aws helper").
	Needed string
}

// NotFoundError says the helper could not be found.
type NotFoundError struct {
	Helper Helper
	// Looked lists the places searched, in order.
	Looked []string
	// Env is set when Helper.Env named a file that is not usable.
	Env string
	Err error
}

func (e *NotFoundError) Error() string {
	h := e.Helper
	if e.Env != "" {
		return fmt.Sprintf("the %s helper %s=%q is not usable (%v); unset it or point it at a %s binary", h.Name, h.Env, e.Env, e.Err, h.Name)
	}
	return fmt.Sprintf("%s, not found (looked for %s); install it next to gazr (%s) or set %s",
		h.Needed, strings.Join(e.Looked, ", "), h.Install, h.Env)
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// ProtocolError says the helper found speaks another protocol than gazr.
type ProtocolError struct {
	Helper Helper
	Path   string
	// Got is the helper's protocol, 0 when it answered none (a release
	// older than the check); Want is gazr's.
	Got, Want int
}

func (e *ProtocolError) Error() string {
	speaks := fmt.Sprintf("speaks protocol %d", e.Got)
	if e.Got == 0 {
		speaks = "answers no protocol (a release older than this gazr)"
	}
	return fmt.Sprintf("%s at %s %s, this gazr needs %d: install the %s of the same release as gazr, next to it (%s), or point %s at it",
		e.Helper.Name, e.Path, speaks, e.Want, e.Helper.Name, e.Helper.Install, e.Helper.Env)
}

// Locate returns the helper's path: the file Env names when it is set,
// else the first of Files beside gazr's executable (symlinks resolved, so
// a gazr linked into PATH finds the helper beside its real file). It
// returns a *NotFoundError when there is none.
func (h Helper) Locate() (string, error) {
	if p := os.Getenv(h.Env); p != "" {
		return h.checkEnv(p)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", &NotFoundError{Helper: h, Err: err, Looked: []string{"beside gazr (unknown executable path)"}}
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return h.FindBeside(filepath.Dir(exe))
}

// FindBeside returns the first of Files in dir.
func (h Helper) FindBeside(dir string) (string, error) {
	var looked []string
	for _, n := range h.Files {
		p := filepath.Join(dir, n)
		looked = append(looked, p)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", &NotFoundError{Helper: h, Looked: looked}
}

func (h Helper) checkEnv(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", &NotFoundError{Helper: h, Env: p, Err: err}
	}
	if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
		if err == nil {
			err = fmt.Errorf("not a regular file")
		}
		return "", &NotFoundError{Helper: h, Env: p, Err: err}
	}
	return abs, nil
}

// ProtocolTimeout bounds `helper --protocol`: a helper that has not
// answered by then is broken, not old.
var ProtocolTimeout = 10 * time.Second

// AskProtocol runs `path --protocol` and returns the number it prints
// (0 when it prints none, or exits non-zero: a release older than the
// flag). The error is the command's own when it could not run at all
// (another platform's binary: syscall.ENOEXEC), which the caller may
// forgive, or says that it hung or was killed.
func AskProtocol(path string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ProtocolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "--protocol")
	cmd.WaitDelay = time.Second // a child holding stdout open must not hold us
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return 0, fmt.Errorf("no answer to --protocol within %s", ProtocolTimeout)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Exited() {
		return 0, nil // a helper that does not know --protocol
	}
	if err != nil {
		return 0, err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n, nil
}

// BrokenError says the helper found does not work: it cannot run, hangs,
// dies, or answers what is not its protocol.
type BrokenError struct {
	Helper Helper
	Path   string
	Err    error
}

func (e *BrokenError) Error() string {
	h := e.Helper
	return fmt.Sprintf("the %s helper at %s does not work (%v): install the %s of the same release as gazr next to it (%s), or point %s at one that works",
		h.Name, e.Path, e.Err, h.Name, h.Install, h.Env)
}

func (e *BrokenError) Unwrap() error { return e.Err }
