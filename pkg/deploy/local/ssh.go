package local

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"time"
)

// sshDialer connects to a remote engine over SSH the way the docker CLI
// does: `ssh <host> docker system dial-stdio` relays the engine's socket
// over the SSH session's stdin and stdout.
func sshDialer(endpoint string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		u, err := url.Parse(endpoint)
		if err != nil {
			return nil, fmt.Errorf("manager %s: %w", endpoint, err)
		}
		args := []string{"-o", "ConnectTimeout=10", "-o", "BatchMode=yes"}
		if u.Port() != "" {
			args = append(args, "-p", u.Port())
		}
		target := u.Hostname()
		if u.User != nil {
			target = u.User.Username() + "@" + target
		}
		args = append(args, "--", target, "docker", "system", "dial-stdio")
		cmd := exec.CommandContext(context.WithoutCancel(ctx), "ssh", args...)
		return newCmdConn(cmd)
	}
}

// cmdConn is a net.Conn over a command's stdin and stdout.
type cmdConn struct {
	cmd *exec.Cmd
	r   io.Reader
	w   io.WriteCloser
}

func newCmdConn(cmd *exec.Cmd) (net.Conn, error) {
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start ssh: %w", err)
	}
	return &cmdConn{cmd: cmd, r: r, w: w}, nil
}

func (c *cmdConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *cmdConn) Write(p []byte) (int, error) { return c.w.Write(p) }
func (c *cmdConn) Close() error {
	_ = c.w.Close()
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Kill()
	}
	_ = c.cmd.Wait()
	return nil
}
func (c *cmdConn) LocalAddr() net.Addr              { return dummyAddr{} }
func (c *cmdConn) RemoteAddr() net.Addr             { return dummyAddr{} }
func (c *cmdConn) SetDeadline(time.Time) error      { return nil }
func (c *cmdConn) SetReadDeadline(time.Time) error  { return nil }
func (c *cmdConn) SetWriteDeadline(time.Time) error { return nil }

type dummyAddr struct{}

func (dummyAddr) Network() string { return "ssh" }
func (dummyAddr) String() string  { return "ssh" }
