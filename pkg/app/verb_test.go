package app

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

// noEngine is an Engine dependency that must not be used.
func noEngine(t *testing.T) func(context.Context) (container.StepAPI, error) {
	return func(context.Context) (container.StepAPI, error) {
		t.Error("Engine called")
		return nil, errors.New("no engine in unit tests")
	}
}

func TestRunVerbDryRun(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, out, errOut := iostreams.Test()
	err := runVerb(context.Background(), &VerbOptions{
		IO: io, Project: loader(dir), Engine: noEngine(t),
		Verb: "test-unit", Args: []string{"-run", "Test X"}, DryRun: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rows(out.String()), shopPlan(dir); !reflect.DeepEqual(got, want) {
		t.Errorf("dry run =\n%s\nrows %q\nwant %q", out, got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", errOut)
	}
}

func TestRunVerbDryRunGroup(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, out, _ := iostreams.Test()
	err := runVerb(context.Background(), &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), Verb: "test", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\nstep "); n != 2 {
		t.Errorf("dry run of test shows %d steps, want 2 (test-unit, test-integration):\n%s", n, out)
	}
}

func TestRunVerbEngineError(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	tests := []struct {
		name     string
		err      error
		wantCode int
	}{
		{"any error", errors.New("boom"), ExitError},
		{"engine unreachable", &container.EngineError{Host: "unix:///var/run/docker.sock", Err: errors.New("connection refused")}, ExitEngine},
		{"cancelled while connecting", context.Canceled, ExitInterrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, out, errOut := iostreams.Test()
			calls := 0
			engine := func(ctx context.Context) (container.StepAPI, error) {
				calls++
				return nil, tt.err
			}
			err := runVerb(context.Background(), &VerbOptions{IO: io, Project: loader(dir), Engine: engine, Verb: "build"})
			if err != tt.err {
				t.Fatalf("err = %v (%T), want the engine's error %v", err, err, tt.err)
			}
			if calls != 1 {
				t.Errorf("Engine called %d times, want 1", calls)
			}
			if out.Len() != 0 || errOut.Len() != 0 {
				t.Errorf("stdout, stderr = %q, %q; want nothing before the engine answers", out, errOut)
			}
			if code := exitCode(iostreamsDiscard(), err, nil); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
		})
	}
}

// TestRunVerbResolvesFirst checks that plan mistakes are reported without
// connecting to the engine.
func TestRunVerbResolvesFirst(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, _, _ := iostreams.Test()
	err := runVerb(context.Background(), &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), Verb: "upgrade"})
	var nd *plan.NotDefinedError
	if !errors.As(err, &nd) {
		t.Fatalf("err = %v (%T), want *plan.NotDefinedError", err, err)
	}
	projectErr := &UsageError{Err: errors.New("-C x: not a directory")}
	err = runVerb(context.Background(), &VerbOptions{IO: io, Engine: noEngine(t), Verb: "build",
		Project: func() (*Project, error) { return nil, projectErr }})
	if err != projectErr {
		t.Errorf("err = %v, want the project's error", err)
	}
}

func iostreamsDiscard() *iostreams.IOStreams {
	io, _, _ := iostreams.Test()
	return io
}
