// Package sshconn reaches a remote Docker engine over SSH the way the
// docker CLI does: `ssh <host> docker system dial-stdio` relays the
// engine's socket over the session's stdin and stdout. When ssh fails
// before the engine says a word, the error is ssh's own ("ssh
// root@10.0.1.5: Permission denied (publickey)"), not "EOF".
package sshconn

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// ConfigEnv names an ssh_config file passed to every ssh as -F (tests and
// the AWS bed set it; users normally rely on ~/.ssh/config).
const ConfigEnv = "GAZR_SSH_CONFIG"

// DefaultConnectTimeout bounds ssh's connection when Target says nothing
// and the context has no sooner deadline.
const DefaultConnectTimeout = 10 * time.Second

// Target is where ssh logs in.
type Target struct {
	// User logs in; empty: ssh's own (its config, then the local user).
	User string
	// Host is a name or IP address.
	Host string
	// Port is the SSH port; 0: ssh's own (22, or its config's).
	Port int
	// Jump is a jump host as ssh -J takes it ("user@bastion[:port]").
	Jump string
	// ConnectTimeout bounds the TCP connection and the SSH handshake;
	// zero: DefaultConnectTimeout.
	ConnectTimeout time.Duration
}

// ParseURL reads an "ssh://[user@]host[:port]" endpoint.
func ParseURL(endpoint string) (Target, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return Target{}, fmt.Errorf("manager %s: %w", endpoint, err)
	}
	if u.Scheme != "ssh" || u.Hostname() == "" {
		return Target{}, fmt.Errorf("manager %s: want ssh://[user@]host[:port]", endpoint)
	}
	t := Target{Host: u.Hostname()}
	if u.User != nil {
		t.User = u.User.Username()
	}
	if p := u.Port(); p != "" {
		if t.Port, err = strconv.Atoi(p); err != nil {
			return Target{}, fmt.Errorf("manager %s: port %q: %w", endpoint, p, err)
		}
	}
	return t, nil
}

// String is the target as messages name it: "root@10.0.1.5", with ":port"
// when one is set.
func (t Target) String() string {
	s := t.Host
	if t.User != "" {
		s = t.User + "@" + s
	}
	if t.Port != 0 {
		s += ":" + strconv.Itoa(t.Port)
	}
	return s
}

// Args are ssh's arguments to run command on t, given how long is left
// until the caller's deadline (zero: none).
func (t Target) Args(left time.Duration, command ...string) []string {
	var args []string
	if f := os.Getenv(ConfigEnv); f != "" {
		args = append(args, "-F", f)
	}
	if t.Jump != "" {
		args = append(args, "-J", t.Jump)
	}
	timeout := t.ConnectTimeout
	if timeout == 0 {
		timeout = DefaultConnectTimeout
	}
	if left > 0 && left < timeout {
		timeout = left
	}
	secs := max(1, int((timeout+time.Second-1)/time.Second))
	args = append(args, "-o", "ConnectTimeout="+strconv.Itoa(secs), "-o", "BatchMode=yes")
	if t.Port != 0 {
		args = append(args, "-p", strconv.Itoa(t.Port))
	}
	target := t.Host
	if t.User != "" {
		target = t.User + "@" + target
	}
	return append(append(args, "--", target), command...)
}

// Dialer returns a dial function for client.WithDialContext: each call
// starts `ssh … docker system dial-stdio` on t. The connection outlives
// the dial's context (the HTTP client reuses it); its Close ends ssh.
func Dialer(t Target) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var left time.Duration
		if d, ok := ctx.Deadline(); ok {
			left = time.Until(d)
		}
		cmd := exec.Command("ssh", t.Args(left, "docker", "system", "dial-stdio")...)
		return start(cmd, t.String())
	}
}
