package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gazr-io/gazr/pkg/enginetest"
)

// TestShellTTY runs `gazr shell` on a terminal (a pty): the shell gets a
// TTY of the window's size, gazr's terminal is raw while it runs (keys
// and Ctrl-C go to the shell), and it is restored as it was when the
// shell exits and when gazr is terminated; no container is left.
func TestShellTTY(t *testing.T) {
	enginetest.Connect(t, "gazr-test/busybox:1")
	bin := buildGazr(t)
	t.Run("exit", func(t *testing.T) {
		p := newSignalProject(t, bin)
		term := startOnPTY(t, p, "shell", "test-unit")
		term.waitFor(t, "# ")
		if term.termios(t).Lflag&(unix.ICANON|unix.ECHO) != 0 {
			t.Error("terminal not raw while the shell runs")
		}
		term.write(t, "sleep 100\r")
		term.waitFor(t, "sleep 100")
		// To the shell's sleep, not to gazr. Again until the sleep gets it:
		// a ^C typed before the shell's terminal is back in cooked mode is
		// a byte of input, not a signal.
		for deadline := time.Now().Add(time.Minute); !strings.Contains(term.output(), "^C"); time.Sleep(300 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("Ctrl-C did not reach the shell; output:\n%s", term.output())
			}
			term.write(t, "\x03")
		}
		term.write(t, "echo after-$((40+2)); stty size; exit 5\r")
		code := term.wait(t)
		out := term.output()
		if code != 5 || !strings.Contains(out, "after-42") || !strings.Contains(out, "33 111") {
			t.Errorf("exit code %d, want 5 (the shell's), with after-42 and the size 33 111; output:\n%s", code, out)
		}
		term.checkRestored(t)
		if left := p.leftovers(t); len(left) > 0 {
			t.Errorf("left %s", strings.Join(left, ", "))
		}
	})
	t.Run("terminated", func(t *testing.T) {
		p := newSignalProject(t, bin)
		term := startOnPTY(t, p, "shell", "test-unit")
		term.waitFor(t, "# ")
		term.write(t, "sleep 100\r")
		term.waitFor(t, "sleep 100")
		_ = term.cmd.Process.Signal(syscall.SIGTERM)
		if code := term.wait(t); code != 143 {
			t.Errorf("exit code %d, want 143; output:\n%s", code, term.output())
		}
		term.checkRestored(t)
		if left := p.leftovers(t); len(left) > 0 {
			t.Errorf("left %s", strings.Join(left, ", "))
		}
	})
}

// ptyRun is gazr started on a new pty of 111×33 in cooked mode.
type ptyRun struct {
	cmd           *exec.Cmd
	master, slave *os.File
	before        unix.Termios
	mu            sync.Mutex
	out           bytes.Buffer
	done          chan struct{}
}

func startOnPTY(t *testing.T, p *signalProject, args ...string) *ptyRun {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	var n int
	ctl(t, master, func(fd int) error {
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return err
		}
		n, err = unix.IoctlGetInt(fd, unix.TIOCGPTN)
		return err
	})
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := &ptyRun{master: master, slave: slave, done: make(chan struct{})}
	ctl(t, slave, func(fd int) error {
		return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 33, Col: 111})
	})
	r.before = *r.termios(t)
	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		master.Close()
		slave.Close()
		<-r.done
	})
	r.cmd = exec.Command(p.bin, args...)
	r.cmd.Dir = p.dir
	r.cmd.Env = append(os.Environ(), "NO_COLOR=1", "XDG_CACHE_HOME="+filepath.Join(p.dir, ".cache"))
	r.cmd.Stdin, r.cmd.Stdout, r.cmd.Stderr = slave, slave, slave
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return r
}

// ctl calls f with f's descriptor, leaving the file in the runtime's
// poller (os.File.Fd would make it blocking, and Close would not end a
// Read).
func ctl(t *testing.T, f *os.File, fn func(fd int) error) {
	t.Helper()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		t.Fatal(err)
	}
	if ferr != nil {
		t.Fatal(ferr)
	}
}

func (r *ptyRun) termios(t *testing.T) *unix.Termios {
	t.Helper()
	var tio *unix.Termios
	ctl(t, r.slave, func(fd int) (err error) {
		tio, err = unix.IoctlGetTermios(fd, unix.TCGETS)
		return err
	})
	return tio
}

func (r *ptyRun) checkRestored(t *testing.T) {
	t.Helper()
	after := r.termios(t)
	if after.Iflag != r.before.Iflag || after.Lflag != r.before.Lflag || after.Oflag != r.before.Oflag || after.Cflag != r.before.Cflag {
		t.Errorf("terminal after gazr: iflag %#x lflag %#x, want as before: iflag %#x lflag %#x", after.Iflag, after.Lflag, r.before.Iflag, r.before.Lflag)
	}
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

func (r *ptyRun) write(t *testing.T, s string) {
	t.Helper()
	if _, err := r.master.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits (up to a minute) for s in the output.
func (r *ptyRun) waitFor(t *testing.T, s string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(r.output(), s); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = r.cmd.Process.Kill()
			t.Fatalf("no %q on the terminal after a minute; output:\n%s", s, r.output())
		}
	}
}

// wait waits (up to a minute) for gazr to end and returns its exit code.
func (r *ptyRun) wait(t *testing.T) int {
	t.Helper()
	done := make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(done) }()
	select {
	case <-done:
		return r.cmd.ProcessState.ExitCode()
	case <-time.After(time.Minute):
		_ = r.cmd.Process.Kill()
		<-done
		t.Fatalf("gazr still runs after a minute; output:\n%s", r.output())
		return 0
	}
}
