package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

func TestExitCode(t *testing.T) {
	engineErr := &container.EngineError{Host: "unix:///var/run/docker.sock", Err: errors.New("connection refused")}
	tests := []struct {
		name     string
		err      error
		sig      os.Signal
		want     int
		wantLine bool // one "gazr: <message>" line on ErrOut
	}{
		{name: "nil", want: 0},
		{name: "step exit code", err: &container.ExitError{Verb: "test-unit", Code: 3}, want: 3},
		{name: "wrapped step exit code", err: fmt.Errorf("run: %w", &container.ExitError{Verb: "x", Code: 42}), want: 42},
		{name: "silent", err: &SilentError{Code: 4}, want: 4},
		{name: "cancelled", err: context.Canceled, want: 130},
		{name: "wrapped cancelled", err: fmt.Errorf("step x: %w", context.Canceled), want: 130},
		{name: "SIGTERM", err: context.Canceled, sig: syscall.SIGTERM, want: 143},
		{name: "SIGINT", err: context.Canceled, sig: syscall.SIGINT, want: 130},
		{name: "os.Interrupt", err: errors.New("whatever"), sig: os.Interrupt, want: 130},
		{name: "signal, no error", sig: syscall.SIGTERM, want: 143},
		{name: "usage", err: &UsageError{Err: errors.New(`unknown verb "tset"`)}, want: 2, wantLine: true},
		{name: "config", err: &config.Error{Path: "/p/.gazr.toml", Pos: config.Position{Line: 3, Col: 1}, Msg: "bad"}, want: 2, wantLine: true},
		{name: "wrapped config", err: fmt.Errorf("load: %w", &config.Error{Msg: "bad"}), want: 2, wantLine: true},
		{name: "compose", err: &compose.Error{Path: "/p/compose.yaml", Line: 5, Msg: "did not find expected ','"}, want: 2, wantLine: true},
		{name: "not defined", err: &plan.NotDefinedError{Verb: "upgrade", Convention: "go"}, want: 2, wantLine: true},
		{name: "engine", err: engineErr, want: 125, wantLine: true},
		{name: "image", err: &container.ImageError{Image: "x", Verb: "build", Origin: "convention go", Err: errors.New("not found")}, want: 125, wantLine: true},
		{name: "an env's set-up", err: fmt.Errorf("env staging: no AWS credentials: %w", deploy.ErrSetup), want: 2, wantLine: true},
		{name: "no manager answers", err: fmt.Errorf("env staging: %w: i-1: refused", deploy.ErrUnreachable), want: 125, wantLine: true},
		{name: "other", err: errors.New("boom"), want: 1, wantLine: true},
		{name: "wrapped other", err: fmt.Errorf("step build: create container: %w", errors.New("boom")), want: 1, wantLine: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, out, errOut := iostreams.Test()
			if got := exitCode(io, tt.err, tt.sig); got != tt.want {
				t.Errorf("exitCode(%v, %v) = %d, want %d", tt.err, tt.sig, got, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if !tt.wantLine {
				if errOut.Len() != 0 {
					t.Errorf("stderr = %q, want nothing", errOut)
				}
				return
			}
			if want := "gazr: " + tt.err.Error() + "\n"; errOut.String() != want {
				t.Errorf("stderr = %q, want %q", errOut, want)
			}
			if n := strings.Count(errOut.String(), "\n"); n != 1 {
				t.Errorf("stderr has %d lines, want 1: %q", n, errOut)
			}
		})
	}
}

type interruptReport struct{ error }

func (interruptReport) ReportOnInterrupt() bool { return true }
func (e interruptReport) Unwrap() error         { return e.error }

// TestExitCodeInterruptReport: an interrupted deploy says what it had
// updated (issue 9: the message was dropped before it was printed).
func TestExitCodeInterruptReport(t *testing.T) {
	err := fmt.Errorf("deploy: %w", interruptReport{fmt.Errorf("interrupted after updating [shop_web]: %w", context.Canceled)})
	for _, sig := range []os.Signal{nil, syscall.SIGINT} {
		io, _, errOut := iostreams.Test()
		if got := exitCode(io, err, sig); got != ExitInterrupt {
			t.Errorf("signal %v: exitCode = %d, want %d", sig, got, ExitInterrupt)
		}
		if want := "gazr: " + err.Error() + "\n"; errOut.String() != want {
			t.Errorf("signal %v: stderr = %q, want %q", sig, errOut, want)
		}
	}
}

func TestExitCodeColour(t *testing.T) {
	io, _, errOut := iostreams.Test()
	io.Color = true
	if got := exitCode(io, errors.New("boom"), nil); got != ExitError {
		t.Errorf("exitCode = %d, want %d", got, ExitError)
	}
	if want := "\x1b[31mgazr:\x1b[0m boom\n"; errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
}

func TestSilentErrorMessage(t *testing.T) {
	if got := (&SilentError{Code: 4}).Error(); got != "exit status 4" {
		t.Errorf("Error() = %q", got)
	}
	inner := errors.New("x")
	if u := (&UsageError{Err: inner}); u.Error() != "x" || !errors.Is(u, inner) {
		t.Errorf("UsageError = %q, want its cause's message and to unwrap to it", u)
	}
}

// TestManagerErrorOnlyLocal: an unreachable manager of the local backend
// is said as the endpoint it tried; a backend with machines said each
// one itself, and its error passes unchanged.
func TestManagerErrorOnlyLocal(t *testing.T) {
	err := fmt.Errorf("env staging: %w: i-1 (10.0.0.5): ssh 10.0.0.5: refused", deploy.ErrUnreachable)
	if got := managerError(&config.Environment{Name: "staging", Backend: "aws"}, err); got != err {
		t.Errorf("aws: %v", got)
	}
	var me *ManagerError
	if got := managerError(&config.Environment{Name: "staging", Backend: "local", Manager: "ssh://x"}, err); !errors.As(got, &me) {
		t.Errorf("local: %v", got)
	}
}
