package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

func writeConfigOptions(t *testing.T, dir string, dry bool) (*InitOptions, *strings.Builder) {
	io, _, _ := iostreams.Test()
	var b strings.Builder
	io.Out = &b
	return &InitOptions{IO: io, Dir: func() string { return dir }, Project: loader(dir), WriteConfig: true, DryRun: dry,
		Engine: func(context.Context) (InitAPI, error) { t.Error("Engine called"); return nil, errors.New("no") }}, &b
}

func TestRunInitWriteConfig(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{"go.mod": "module x\n"})

	opts, out := writeConfigOptions(t, dir, true)
	if err := runInit(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "[verbs.init]\nrun = \"go mod download\"") {
		t.Errorf("dry run printed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, ".gazr.toml")); err == nil {
		t.Fatal("dry run wrote .gazr.toml")
	}

	opts, out = writeConfigOptions(t, dir, false)
	if err := runInit(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ".gazr.toml")
	if want := "wrote " + path + " (convention go, detected by go.mod)"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("stdout = %q, want %q…", out, want)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	opts, _ = writeConfigOptions(t, dir, false)
	err = runInit(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), path+" already exists") {
		t.Fatalf("second --write-config: %v, want a refusal", err)
	}
	if code := exitCode(iostreamsDiscard(), err, nil); code != ExitError {
		t.Errorf("exit code = %d, want %d", code, ExitError)
	}
	if again, _ := os.ReadFile(path); string(again) != string(written) {
		t.Error(".gazr.toml changed by a refused --write-config")
	}
}

// TestRunInitWriteConfigBrokenExisting: an existing file is refused before
// it is parsed, so a broken one is named, not reported as a config error.
func TestRunInitWriteConfigBrokenExisting(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": "name = \n"})
	opts, _ := writeConfigOptions(t, dir, false)
	err := runInit(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunInitEngineUnreachable(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{"go.mod": "module x\n", ".env.example": "A=1\n"})
	io, _, errOut := iostreams.Test()
	engineErr := &container.EngineError{Host: "unix:///nowhere.sock", Err: errors.New("connection refused")}
	err := runInit(context.Background(), &InitOptions{IO: io, Project: loader(dir), Compose: devCompose,
		Engine: func(context.Context) (InitAPI, error) { return nil, engineErr }})
	if !errors.Is(err, engineErr) {
		t.Fatalf("err = %v, want the engine error", err)
	}
	if code := exitCode(iostreamsDiscard(), err, nil); code != ExitEngine {
		t.Errorf("exit code = %d, want %d", code, ExitEngine)
	}
	if !strings.Contains(errOut.String(), "✔ .env: created from .env.example") {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestRunInitBadConfig(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": "[verbs.tset]\nrun = \"x\"\n"})
	io, _, _ := iostreams.Test()
	err := runInit(context.Background(), &InitOptions{IO: io, Project: loader(dir)})
	if code := exitCode(iostreamsDiscard(), err, nil); code != ExitUsage {
		t.Errorf("err = %v, exit code %d, want %d", err, code, ExitUsage)
	}
}

func TestRunDoctorNoClient(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{"go.mod": "module x\n"})
	io, out, _ := iostreams.Test()
	err := runDoctor(context.Background(), &DoctorOptions{IO: io, Project: loader(dir), Compose: devCompose,
		Engine: func() (doctor.API, error) { return nil, errors.New("unable to parse docker host `x`") }})
	if err == nil || exitCode(iostreamsDiscard(), err, nil) != ExitError {
		t.Fatalf("err = %v, want exit 1", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "✔ project: ") || lines[1] != "✘ engine: unable to parse docker host `x`" || !strings.HasPrefix(lines[2], "    fix: set DOCKER_HOST") {
		t.Errorf("doctor printed:\n%s", out)
	}
}

func TestRunDoctorBadConfig(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": "name = 3\n"})
	io, out, _ := iostreams.Test()
	err := runDoctor(context.Background(), &DoctorOptions{IO: io, Project: loader(dir), Compose: devCompose,
		Engine: func() (doctor.API, error) { return nil, errors.New("skip") }})
	if err == nil || !strings.Contains(out.String(), "✘ project: "+filepath.Join(dir, ".gazr.toml")+":1:1: name must be a string") {
		t.Errorf("err %v, doctor printed:\n%s", err, out)
	}
}

// TestRunDoctorUnknownEnv: `gazr doctor --env nope` is a mistake on the
// command line: exit 2 with the known envs, before any check runs (no
// "correct [env.nope] in .gazr.toml" for a table nobody wrote).
func TestRunDoctorUnknownEnv(t *testing.T) {
	dir := writeProject(t, map[string]string{"go.mod": "module x\n"})
	io, out, _ := iostreams.Test()
	engine := false
	err := runDoctor(context.Background(), &DoctorOptions{IO: io, Project: loader(dir), Compose: devCompose, Env: "nope",
		Engine: func() (doctor.API, error) { engine = true; return nil, errors.New("skip") },
		Target: func(string, swarmInit) (*Target, error) { t.Fatal("target built for an unknown env"); return nil, nil }})
	if err == nil || exitCode(iostreamsDiscard(), err, nil) != ExitUsage || !strings.Contains(err.Error(), `no environment named "nope"; known: local`) {
		t.Fatalf("err = %v, want exit 2 naming the known envs", err)
	}
	if engine || out.Len() != 0 {
		t.Errorf("checks ran before the bad --env was reported:\n%s", out)
	}
}
