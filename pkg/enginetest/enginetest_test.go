package enginetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// fakeTB records how the policy ended a test. Skip and Fatal end the
// goroutine that calls them, as testing's do.
type fakeTB struct {
	outcome  string // "pass", "skip" or "fail"
	msg      string
	cleanups []func()
}

func (f *fakeTB) Helper()                          {}
func (f *fakeTB) Cleanup(fn func())                { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Skip(args ...any)                 { f.end("skip", fmt.Sprint(args...)) }
func (f *fakeTB) Skipf(format string, args ...any) { f.end("skip", fmt.Sprintf(format, args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.end("fail", fmt.Sprintf(format, args...))
}

func (f *fakeTB) end(outcome, msg string) {
	f.outcome, f.msg = outcome, msg
	runtime.Goexit()
}

// run calls fn as a test body and returns how it ended, once the test's
// clean-ups have run.
func (f *fakeTB) run(fn func()) {
	f.outcome = "pass"
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	for _, c := range slices.Backward(f.cleanups) {
		c()
	}
}

// fakeEngine is an engine holding some images.
type fakeEngine struct {
	images []string
	closed bool
}

func (e *fakeEngine) DaemonHost() string { return "unix:///fake.sock" }
func (e *fakeEngine) Close() error       { e.closed = true; return nil }
func (e *fakeEngine) ImageInspect(_ context.Context, image string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	if slices.Contains(e.images, image) {
		return client.ImageInspectResult{}, nil
	}
	return client.ImageInspectResult{}, cerrdefs.ErrNotFound.WithMessage("no such image: " + image)
}

func TestOpen(t *testing.T) {
	const busybox, golang = "gazr-test/busybox:1", "gazr-test/go:1.26"
	down := errors.New("failed to connect to the docker API at unix:///fake.sock: connection refused")
	tests := []struct {
		name       string
		p          policy
		dialErr    error
		want       []string // images the test asks for; the engine has busybox
		outcome    string
		msg        []string // substrings of the skip or failure message
		wantDialed bool
	}{
		{name: "short skips before connecting", p: policy{short: true}, outcome: "skip", msg: []string{"-short"}},
		{name: "short wins over CI", p: policy{short: true, ci: true}, dialErr: down, outcome: "skip", msg: []string{"-short"}},
		{name: "no engine skips", dialErr: down, outcome: "skip", msg: []string{"no container engine answers", "unix:///fake.sock: connection refused", "DOCKER_HOST"}, wantDialed: true},
		{name: "no engine fails under CI", p: policy{ci: true}, dialErr: down, outcome: "fail", msg: []string{"no container engine", "connection refused", "CI is set"}, wantDialed: true},
		{name: "missing image skips", want: []string{busybox, golang}, outcome: "skip", msg: []string{"gazr-test/go:1.26 missing", "build.sh gazr-test/go:1.26", "unix:///fake.sock"}, wantDialed: true},
		{name: "missing image fails under CI", p: policy{ci: true}, want: []string{golang}, outcome: "fail", msg: []string{"build.sh gazr-test/go:1.26", "CI is set"}, wantDialed: true},
		{name: "engine and images there", p: policy{ci: true}, want: []string{busybox}, outcome: "pass", wantDialed: true},
		{name: "no image asked", want: nil, outcome: "pass", wantDialed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &fakeEngine{images: []string{busybox}}
			dialed := false
			dial := func(context.Context) (*fakeEngine, error) {
				dialed = true
				if tt.dialErr != nil {
					return nil, tt.dialErr
				}
				return e, nil
			}
			var got *fakeEngine
			f := &fakeTB{}
			f.run(func() { got = open(f, tt.p, dial, tt.want) })
			if f.outcome != tt.outcome {
				t.Fatalf("outcome = %s (%q), want %s", f.outcome, f.msg, tt.outcome)
			}
			for _, s := range tt.msg {
				if !strings.Contains(f.msg, s) {
					t.Errorf("message %q does not say %q", f.msg, s)
				}
			}
			if dialed != tt.wantDialed {
				t.Errorf("dialed = %v, want %v", dialed, tt.wantDialed)
			}
			if tt.outcome == "pass" && got != e {
				t.Errorf("open returned %v, want the engine", got)
			}
			if tt.wantDialed && tt.dialErr == nil && !e.closed {
				t.Error("the client was not closed when the test ended")
			}
		})
	}
}

func TestPolicyEnd(t *testing.T) {
	for _, tt := range []struct {
		p       policy
		outcome string
	}{{policy{}, "skip"}, {policy{ci: true}, "fail"}} {
		f := &fakeTB{}
		f.run(func() { tt.p.end(f, "git is needed: %s", "install it") })
		if f.outcome != tt.outcome || !strings.HasPrefix(f.msg, "git is needed: install it") {
			t.Errorf("%+v: %s %q, want %s", tt.p, f.outcome, f.msg, tt.outcome)
		}
	}
}

// TestConnectChild is the test TestConnectProcess runs in a child
// process; it does nothing in a plain run.
func TestConnectChild(t *testing.T) {
	if os.Getenv("GAZR_ENGINETEST_CHILD") == "" {
		t.Skip("run by TestConnectProcess")
	}
	Connect(t, "gazr-test/busybox:1")
	t.Log("connected")
}

// TestConnectProcess runs Connect with a real testing.T in a child
// process whose DOCKER_HOST names no engine: under CI it fails, else it
// skips, and under -short it skips whatever CI says.
func TestConnectProcess(t *testing.T) {
	tests := []struct {
		name  string
		ci    bool
		short bool
		want  string
	}{
		{"CI fails", true, false, "--- FAIL: TestConnectChild"},
		{"no CI skips", false, false, "--- SKIP: TestConnectChild"},
		{"short skips under CI", true, true, "--- SKIP: TestConnectChild"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-test.run=^TestConnectChild$", "-test.v", "-test.count=1"}
			if tt.short {
				args = append(args, "-test.short")
			}
			cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
			cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
				return strings.HasPrefix(kv, "CI=") || strings.HasPrefix(kv, "DOCKER_")
			})
			cmd.Env = append(cmd.Env, "GAZR_ENGINETEST_CHILD=1", "DOCKER_HOST=unix:///nonexistent/docker.sock")
			if tt.ci {
				cmd.Env = append(cmd.Env, "CI=true")
			}
			out, err := cmd.CombinedOutput()
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("child output does not say %q:\n%s", tt.want, out)
			}
			if wantFail := strings.Contains(tt.want, "FAIL"); (err != nil) != wantFail {
				t.Errorf("child exit: %v, want a failure: %v", err, wantFail)
			}
			if strings.Contains(string(out), "connected") {
				t.Errorf("the child connected to an engine that does not exist:\n%s", out)
			}
		})
	}
}
