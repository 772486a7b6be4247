package app

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// exitCase is one way to end gazr: the docs/commands.md row it proves (its code,
// or "N" for a step's own code) and what it does, as gazr does it.
type exitCase struct {
	row, name string
	// files is the project (.gazr.toml, compose.yaml…); args gazr's
	// arguments after -C <dir>; env variables set for the run.
	files map[string]string
	args  []string
	env   map[string]string
	// err, when set, replaces the run: the error a real producer returned
	// for a case that needs an engine to be reached through Run.
	err  func(t *testing.T, dir string) error
	sig  os.Signal
	want int
	// line is a part of the one stderr line; "" when nothing is printed.
	line string
}

// unreachable points gazr at an engine that cannot answer.
var unreachable = map[string]string{"DOCKER_HOST": "unix:///nonexistent/gazr-test.sock"}

const goodConfig = "name = \"p\"\nimage = \"alpine:3.20\"\n[verbs.build]\nrun = \"make\"\n"

var exitCases = []exitCase{
	{row: "0", name: "list", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"list"}, want: 0},
	{row: "0", name: "dry run", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"build", "--dry-run"}, env: unreachable, want: 0},
	{row: "N", name: "a step's own code", err: func(*testing.T, string) error { return &container.ExitError{Verb: "test", Code: 3} }, want: 3},
	{row: "1", name: "init refuses a template outside the project", files: map[string]string{".gazr.toml": goodConfig},
		args: []string{"init", "--dry-run"}, err: envTemplateOutside, want: 1, line: "outside the project"},
	{row: "1", name: "cluster check with a failed check", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"cluster", "check"},
		env: unreachable, want: 1, line: "1 of 1 checks of env local failed: apply the fixes above"},
	{row: "2", name: "unknown verb", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"tset"}, want: 2, line: `unknown verb or command "tset"`},
	{row: "2", name: "run is empty", files: map[string]string{".gazr.toml": "[verbs.build]\nrun = \"\"\n"}, args: []string{"build"}, want: 2, line: ".gazr.toml:2:1: verbs.build.run is empty"},
	{row: "2", name: "user a:b:c", files: map[string]string{".gazr.toml": "image = \"alpine\"\n[verbs.build]\nrun = \"make\"\nuser = \"a:b:c\"\n"}, args: []string{"build"}, want: 2, line: ".gazr.toml:4:1: verbs.build.user"},
	{row: "2", name: "image reference in the file", files: map[string]string{".gazr.toml": "image = \"UPPER case::bad\"\n[verbs.build]\nrun = \"make\"\n"}, args: []string{"build"}, want: 2, line: ".gazr.toml:1:1: image:"},
	{row: "2", name: "image reference from GAZR_IMAGE_GO", files: map[string]string{"go.mod": "module x\n"}, args: []string{"build"},
		env: map[string]string{"GAZR_IMAGE_GO": "UPPER case::bad", "DOCKER_HOST": unreachable["DOCKER_HOST"]}, want: 2, line: "from $GAZR_IMAGE_GO"},
	{row: "2", name: "bad resources in an env", files: map[string]string{".gazr.toml": "[env.prod.resources]\nweb = { memory = \"lots\" }\n"}, args: []string{"status", "--env", "prod"}, want: 2, line: ".gazr.toml:2:9: env.prod.resources.web.memory"},
	{row: "2", name: "sidecar with network_mode host", err: sidecarNetworkHost, want: 2, line: "compose.yaml:4:5: service db: network_mode"},
	{row: "2", name: "deploy of an unsupported compose key", err: deployPrivileged, want: 2, line: "compose.yaml:4:5: service \"web\": privileged"},
	{row: "2", name: "config bomb", files: map[string]string{".gazr.toml": "a = " + strings.Repeat("{b = ", 5000) + "1" + strings.Repeat("}", 5000)}, args: []string{"list"}, want: 2, line: "nests deeper than 64"},
	{row: "2", name: "plain-tcp manager without TLS", files: map[string]string{".gazr.toml": goodConfig + "[env.prod]\nmanager = \"tcp://192.0.2.1:2375\"\n"},
		args: []string{"status", "--env", "prod"}, want: 2, line: "plain TCP without TLS"},
	{row: "2", name: "unknown backend", files: map[string]string{".gazr.toml": goodConfig + "[env.prod]\nbackend = \"awz\"\n"},
		args: []string{"status", "--env", "prod"}, want: 2, line: `unknown backend "awz"`},
	{row: "2", name: "cluster scale on a backend that has no machines", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"cluster", "scale", "workers=3"},
		env: unreachable, want: 2, line: "env local (backend local): cluster scale is not supported by the local backend"},
	{row: "2", name: "cluster scale of managers", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"cluster", "scale", "managers=3"},
		want: 2, line: "scaling managers is not supported: "},
	{row: "2", name: "deploy without a compose file", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"deploy", "--dry-run"}, want: 2, line: "no compose file in"},
	{row: "2", name: "new into ../x", args: []string{"new", "go", "../x"}, want: 2, line: "leaves the current directory"},
	{row: "2", name: "new with a space", args: []string{"new", "go", "my app"}, want: 2, line: "cannot name a project"},
	{row: "2", name: "new --module for a node template", args: []string{"new", "--module", "github.com/a/b", "node", "app"}, want: 2, line: "--module is for Go templates"},
	{row: "125", name: "deploy, engine unreachable", files: map[string]string{".gazr.toml": goodConfig, "compose.yaml": "services:\n  web:\n    image: nginx\n"},
		args: []string{"deploy", "--yes"}, env: unreachable, want: 125, line: "env local: cannot reach the swarm manager at unix:///nonexistent/gazr-test.sock"},
	{row: "125", name: "verb, engine unreachable", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"build"}, env: unreachable, want: 125, line: "cannot reach the container engine"},
	{row: "125", name: "status, engine unreachable", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"status"}, env: unreachable, want: 125, line: "env local: cannot reach the swarm manager at unix:///nonexistent/gazr-test.sock"},
	{row: "125", name: "history, engine unreachable", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"history"}, env: unreachable, want: 125, line: "cannot reach the swarm manager"},
	{row: "125", name: "logs, engine unreachable", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"logs"}, env: unreachable, want: 125, line: "cannot reach the swarm manager"},
	{row: "125", name: "rollback, engine unreachable", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"rollback", "--yes"}, env: unreachable, want: 125, line: "cannot reach the swarm manager"},
	{row: "125", name: "cluster status, engine unreachable", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"cluster", "status"}, env: unreachable, want: 125, line: "env local: cannot reach the swarm manager at unix:///nonexistent/gazr-test.sock"},
	{row: "125", name: "unlock, engine unreachable", files: map[string]string{".gazr.toml": goodConfig}, args: []string{"unlock"}, env: unreachable, want: 125, line: "cannot reach the swarm manager"},
	{row: "130", name: "SIGINT", err: func(*testing.T, string) error { return context.Canceled }, sig: syscall.SIGINT, want: 130},
	{row: "143", name: "SIGTERM", err: func(*testing.T, string) error { return context.Canceled }, sig: syscall.SIGTERM, want: 143},
}

// TestExitCodes drives gazr through Run (or, where reaching the failure
// takes an engine, the real function that fails) and exitCode, one case
// per way of failing, and checks that every row of docs/commands.md's
// exit-code table has a case.
func TestExitCodes(t *testing.T) {
	quiet(t)
	for _, tc := range exitCases {
		t.Run(tc.row+"/"+tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			dir := writeProject(t, tc.files)
			io, _, errOut := iostreams.Test()
			var err error
			if tc.err != nil {
				err = tc.err(t, dir)
			}
			if tc.args != nil && err == nil {
				err = Run(context.Background(), io, append([]string{"gazr", "-C", dir}, tc.args...))
			}
			if got := exitCode(io, err, tc.sig); got != tc.want {
				t.Errorf("exit code %d, want %d (error: %v)", got, tc.want, err)
			}
			if tc.line == "" {
				return
			}
			if s := errOut.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, tc.line) {
				t.Errorf("stderr = %q, want one line with %q", s, tc.line)
			}
		})
	}
	doc, err := os.ReadFile("../../docs/commands.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| ([0-9N][0-9 /]*) \\| ").FindAllStringSubmatch(string(doc), -1)
	if len(rows) == 0 {
		t.Fatal("no exit-code table in docs/commands.md")
	}
	for _, r := range rows {
		for _, code := range strings.Split(r[1], "/") {
			code = strings.TrimSpace(code)
			if !slices.ContainsFunc(exitCases, func(c exitCase) bool { return c.row == code }) {
				t.Errorf("docs/commands.md's exit code %s has no case here", code)
			}
		}
	}
}

// envTemplateOutside makes the project's .env.example a link out of it.
func envTemplateOutside(t *testing.T, dir string) error {
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("KEY=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, ".env.example")); err != nil {
		t.Fatal(err)
	}
	return nil
}

// sidecarNetworkHost is what `gazr build` meets, once the engine answers,
// for a sidecar with network_mode: host.
func sidecarNetworkHost(t *testing.T, dir string) error {
	p := writeCompose(t, dir, "services:\n  db:\n    image: postgres:16\n    network_mode: host\n")
	_, err := sidecar.Convert(p, "db", sidecar.Target{Project: "p", Network: "gazr-p", Image: "postgres:16"})
	return err
}

// deployPrivileged is what `gazr deploy` meets converting a service that
// swarm cannot run.
func deployPrivileged(t *testing.T, dir string) error {
	p := writeCompose(t, dir, "services:\n  web:\n    image: nginx\n    privileged: true\n")
	_, err := convert.Convert(p, convert.Options{Project: "p", Env: "prod"})
	return err
}

func writeCompose(t *testing.T, dir, content string) *types.Project {
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Name: "p", Environ: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
