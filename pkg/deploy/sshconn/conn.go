package sshconn

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// stderrLimit bounds what is kept of ssh's stderr: its last bytes, where
// the reason it failed is.
const stderrLimit = 8 << 10

// exitWait is how long a failed read or write waits for ssh to exit, so
// that its stderr is complete.
const exitWait = 2 * time.Second

// Error is ssh failing before the remote engine answered: Stderr holds
// ssh's own words.
type Error struct {
	// Target is the ssh target ("root@10.0.1.5").
	Target string
	// Stderr is what ssh said, its warnings left out, one line.
	Stderr string
	// Err is how the process ended (an *exec.ExitError), or the I/O error
	// when it had not ended.
	Err error
}

func (e *Error) Error() string {
	if e.Stderr != "" {
		// ssh starts its own line with the target ("root@10.0.1.5:
		// Permission denied") or with "ssh: " ("ssh: connect to host
		// …"): said once is enough.
		said := strings.TrimPrefix(strings.TrimPrefix(e.Stderr, e.Target+": "), "ssh: ")
		return fmt.Sprintf("ssh %s: %s", e.Target, said)
	}
	return fmt.Sprintf("ssh %s: %v before the engine answered (ssh said nothing)", e.Target, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// conn is a net.Conn over ssh's stdin and stdout. The pipes are os.Pipe
// files, so deadlines work and the process writes to them directly.
type conn struct {
	cmd    *exec.Cmd
	target string
	r, w   *os.File
	stderr *tail
	done   chan struct{} // closed once ssh has exited
	exit   error
	got    atomic.Bool // a byte came from the engine
	once   sync.Once
}

func start(cmd *exec.Cmd, target string) (net.Conn, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	c := &conn{cmd: cmd, target: target, r: outR, w: inW, stderr: &tail{}, done: make(chan struct{})}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, c.stderr
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		outR.Close()
		inW.Close()
		return nil, fmt.Errorf("ssh %s: %w", target, err)
	}
	go func() {
		c.exit = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.got.Store(true)
	}
	if err != nil && !c.got.Load() {
		err = c.failure(err)
	}
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err != nil && !c.got.Load() {
		err = c.failure(err)
	}
	return n, err
}

// failure turns an I/O error before the engine's first byte into ssh's
// own words, once ssh has exited (a timeout is left as it is: ssh may
// still be connecting).
func (c *conn) failure(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, os.ErrClosed) {
		return err
	}
	select {
	case <-c.done:
	case <-time.After(exitWait):
		return err
	}
	e := &Error{Target: c.target, Stderr: c.stderr.summary(), Err: c.exit}
	if c.exit == nil {
		e.Err = err
	}
	return e
}

func (c *conn) Close() error {
	c.once.Do(func() {
		c.w.Close()
		if c.cmd.Process != nil {
			_ = c.cmd.Process.Kill()
		}
		<-c.done
		c.r.Close()
	})
	return nil
}

func (c *conn) LocalAddr() net.Addr  { return addr(c.target) }
func (c *conn) RemoteAddr() net.Addr { return addr(c.target) }

func (c *conn) SetDeadline(t time.Time) error {
	return errors.Join(c.r.SetReadDeadline(t), c.w.SetWriteDeadline(t))
}
func (c *conn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *conn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

type addr string

func (addr) Network() string  { return "ssh" }
func (a addr) String() string { return string(a) }

// tail keeps the last stderrLimit bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - stderrLimit; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// summary is ssh's stderr in one line: its lines joined with "; ",
// without the host-key notices ssh prints on success too.
func (t *tail) summary() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var lines []string
	for _, l := range strings.Split(string(t.buf), "\n") {
		l = strings.TrimSpace(strings.TrimSuffix(l, "\r"))
		if l == "" || strings.HasPrefix(l, "Warning: Permanently added") {
			continue
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "; ")
}
