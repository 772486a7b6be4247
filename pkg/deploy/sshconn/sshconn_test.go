package sshconn

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// fakeSSH puts an executable "ssh" running body first on PATH; it records
// its arguments in the returned file.
func fakeSSH(t *testing.T, body string) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, "ssh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

func ping(ctx context.Context, t *testing.T, tgt Target) error {
	t.Helper()
	cli, err := client.New(client.WithHost("http://docker.invalid"), client.WithDialContext(Dialer(tgt)))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	_, err = cli.Ping(ctx, client.PingOptions{})
	return err
}

// TestStderrOnFailure: ssh failing before the engine answers is said in
// ssh's own words, not "EOF", whether it fails at once or after reading
// the request.
func TestStderrOnFailure(t *testing.T) {
	for _, tt := range []struct{ name, body string }{
		{"at once", "echo 'Warning: Permanently added 10.0.1.5 (ED25519) to the list of known hosts.' >&2\necho 'root@10.0.1.5: Permission denied (publickey).' >&2\nexit 255"},
		{"after the request", "head -c 10 >/dev/null\necho 'root@10.0.1.5: Permission denied (publickey).' >&2\nexit 255"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fakeSSH(t, tt.body)
			err := ping(t.Context(), t, Target{User: "root", Host: "10.0.1.5"})
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("ping: %v, want an *sshconn.Error", err)
			}
			want := "ssh root@10.0.1.5: Permission denied (publickey)."
			if se.Error() != want {
				t.Errorf("error %q, want %q", se.Error(), want)
			}
		})
	}
}

// TestSilentExit: ssh exiting without a word still says it was ssh.
func TestSilentExit(t *testing.T) {
	fakeSSH(t, "exit 255")
	err := ping(t.Context(), t, Target{Host: "m1"})
	if err == nil || !strings.Contains(err.Error(), "ssh m1: exit status 255 before the engine answered") {
		t.Fatalf("ping: %v", err)
	}
}

// TestAnswer: an engine answering through ssh is reached, and a failure
// after its first byte is not blamed on ssh.
func TestAnswer(t *testing.T) {
	fakeSSH(t, `head -c 10 >/dev/null; printf 'HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK'; sleep 5`)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Second)
	defer cancel()
	if err := ping(ctx, t, Target{Host: "m1"}); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

// TestArgs: the options the transport gives ssh.
func TestArgs(t *testing.T) {
	t.Setenv(ConfigEnv, "")
	tests := []struct {
		name string
		tgt  Target
		cfg  string
		left time.Duration
		want string
	}{
		{"plain", Target{Host: "m1"}, "", 0, "-o ConnectTimeout=10 -o BatchMode=yes -- m1 docker system dial-stdio"},
		{"user, port, jump, config", Target{User: "root", Host: "10.0.1.5", Port: 2222, Jump: "ec2-user@bastion"}, "/etc/ssh_cfg", 0,
			"-F /etc/ssh_cfg -J ec2-user@bastion -o ConnectTimeout=10 -o BatchMode=yes -p 2222 -- root@10.0.1.5 docker system dial-stdio"},
		{"deadline sooner", Target{Host: "m1"}, "", 2500 * time.Millisecond, "-o ConnectTimeout=3 -o BatchMode=yes -- m1 docker system dial-stdio"},
		{"own timeout", Target{Host: "m1", ConnectTimeout: 4 * time.Second}, "", time.Minute, "-o ConnectTimeout=4 -o BatchMode=yes -- m1 docker system dial-stdio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(ConfigEnv, tt.cfg)
			if got := strings.Join(tt.tgt.Args(tt.left, "docker", "system", "dial-stdio"), " "); got != tt.want {
				t.Errorf("Args = %q\nwant   %q", got, tt.want)
			}
		})
	}
	// The dialer passes them to the ssh it runs.
	argsFile := fakeSSH(t, "exit 255")
	t.Setenv(ConfigEnv, "/etc/ssh_cfg")
	_ = ping(t.Context(), t, Target{User: "root", Host: "10.0.1.5"})
	b, _ := os.ReadFile(argsFile)
	if got := strings.Join(strings.Fields(string(b)), " "); !strings.HasPrefix(got, "-F /etc/ssh_cfg -o ConnectTimeout=") || !strings.HasSuffix(got, "-- root@10.0.1.5 docker system dial-stdio") {
		t.Errorf("ssh ran with %q", got)
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"ssh://deploy@m1", "deploy@m1", ""},
		{"ssh://m1:2222", "m1:2222", ""},
		{"tcp://m1", "", "want ssh://"},
		{"ssh://m1:x", "", "invalid port"},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseURL(%q) = %v, %v; want error with %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestTail(t *testing.T) {
	var tl tail
	tl.Write([]byte(strings.Repeat("x", stderrLimit)))
	tl.Write([]byte("\nlast words\n"))
	if s := tl.summary(); !strings.HasSuffix(s, "; last words") || len(tl.buf) != stderrLimit {
		t.Errorf("summary ends %q, kept %d bytes", s[len(s)-20:], len(tl.buf))
	}
}
