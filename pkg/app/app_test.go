package app

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

func TestSplitExtraArgs(t *testing.T) {
	tests := []struct {
		name      string
		in        []string
		wantArgs  []string
		wantExtra []string
	}{
		{"none", []string{"gazr", "test"}, []string{"gazr", "test"}, nil},
		{"empty", []string{}, []string{}, nil},
		{"after --", []string{"gazr", "test", "--", "-run", "X"}, []string{"gazr", "test"}, []string{"-run", "X"}},
		{"-- last", []string{"gazr", "test", "--"}, []string{"gazr", "test"}, []string{}},
		{"second -- goes to the step", []string{"gazr", "test", "--", "a", "--", "b"}, []string{"gazr", "test"}, []string{"a", "--", "b"}},
		{"flags after -- go to the step", []string{"gazr", "-C", "d", "test", "--", "--help", "-n"}, []string{"gazr", "-C", "d", "test"}, []string{"--help", "-n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, extra := splitExtraArgs(tt.in)
			if !reflect.DeepEqual(args, tt.wantArgs) || !reflect.DeepEqual(extra, tt.wantExtra) {
				t.Errorf("splitExtraArgs(%q) = %q, %q; want %q, %q", tt.in, args, extra, tt.wantArgs, tt.wantExtra)
			}
		})
	}
}

// run runs gazr with args on test streams.
func run(t *testing.T, args ...string) (err error, stdout, stderr string) {
	t.Helper()
	io, out, errOut := iostreams.Test()
	err = Run(context.Background(), io, append([]string{"gazr"}, args...))
	return err, out.String(), errOut.String()
}

func TestRunVersion(t *testing.T) {
	for _, flag := range []string{"--version", "-v"} {
		err, out, errOut := run(t, flag)
		if err != nil || out != "gazr version dev\n" || errOut != "" {
			t.Errorf("gazr %s: err %v, stdout %q, stderr %q; want stdout \"gazr version dev\\n\"", flag, err, out, errOut)
		}
	}
}

func TestRunHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {}} {
		err, out, _ := run(t, args...)
		if err != nil {
			t.Fatalf("gazr %q: %v", args, err)
		}
		for _, want := range append([]string{"gazr [-C <dir>] <verb>", "list", "explain", "--directory", "--no-color"}, config.Verbs...) {
			if !strings.Contains(out, want) {
				t.Errorf("gazr %q: help does not mention %q:\n%s", args, want, out)
			}
		}
		// Every verb has a line with its usage.
		for _, verb := range config.Verbs {
			if verbUsage[verb] == "" || !containsRow(rows(out), []string{verb, verbUsage[verb]}) {
				t.Errorf("gazr %q: help has no line %q  %q", args, verb, verbUsage[verb])
			}
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // substrings of the message
	}{
		{"unknown command", []string{"tset"}, []string{`unknown verb or command "tset"`, `did you mean "test"?`, "gazr --help"}},
		{"a command before a verb as close", []string{"lsit"}, []string{`did you mean "list"?`}},
		{"unknown command, no suggestion", []string{"zzzzzzzzzz"}, []string{`unknown verb or command "zzzzzzzzzz"`}},
		{"unknown verb flag", []string{"test", "--bogus"}, []string{"bogus"}},
		{"unknown global flag", []string{"--bogus", "list"}, []string{"bogus"}},
		{"argument without --", []string{"test", "foo"}, []string{`unexpected argument "foo"`, "gazr test -- foo"}},
		{"-C to a missing directory", []string{"-C", "/nonexistent/gazr-test", "list"}, []string{"-C /nonexistent/gazr-test: not a directory"}},
		{"explain without a verb", []string{"explain"}, []string{"explain takes one verb", "gazr explain test"}},
		{"explain with two verbs", []string{"explain", "test", "build"}, []string{"explain takes one verb"}},
		{"explain an unknown verb", []string{"explain", "tset"}, []string{`unknown verb "tset"; did you mean "test"?`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err, out, errOut := run(t, tt.args...)
			var usage *UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("gazr %q: err = %v (%T), want *UsageError", tt.args, err, err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("gazr %q: %q does not say %q", tt.args, err, want)
				}
			}
			if out != "" || errOut != "" {
				t.Errorf("gazr %q: stdout %q, stderr %q; want nothing (Main reports the error)", tt.args, out, errOut)
			}
			if code := exitCode(iostreamsDiscard(), err, nil); code != ExitUsage {
				t.Errorf("exit code = %d, want %d", code, ExitUsage)
			}
		})
	}
}

func TestRunDirectory(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig, "api/main.go": "package main\n"})
	for _, args := range [][]string{{"-C", dir, "list"}, {"--directory", dir, "ls"}, {"-C", dir + "/api/..", "list"}} {
		err, out, errOut := run(t, args...)
		if err != nil {
			t.Fatalf("gazr %q: %v", args, err)
		}
		if !containsRow(rows(out), []string{"build", "go build ./...", "alpine:3.20", ".gazr.toml:17"}) {
			t.Errorf("gazr %q: stdout =\n%s\nwant the project's verbs", args, out)
		}
		if errOut != "" {
			t.Errorf("gazr %q: stderr = %q", args, errOut)
		}
	}
}

func TestRunExplainArgs(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	err, out, _ := run(t, "-C", dir, "explain", "test-unit", "--", "-run", "Test X")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rows(out), shopPlan(dir); !reflect.DeepEqual(got, want) {
		t.Errorf("explain =\n%s\nrows %q\nwant %q", out, got, want)
	}
}

func TestRunDryRun(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	for _, flag := range []string{"--dry-run", "-n"} {
		err, out, errOut := run(t, "-C", dir, "test-unit", flag, "--", "-run", "Test X")
		if err != nil {
			t.Fatalf("gazr test-unit %s: %v", flag, err)
		}
		if got, want := rows(out), shopPlan(dir); !reflect.DeepEqual(got, want) {
			t.Errorf("gazr test-unit %s =\n%s\nrows %q\nwant %q", flag, out, got, want)
		}
		if errOut != "" {
			t.Errorf("stderr = %q", errOut)
		}
	}
}

func TestRunNoColor(t *testing.T) {
	dir := t.TempDir()
	io, _, _ := iostreams.Test()
	io.Color = true
	if err := Run(context.Background(), io, []string{"gazr", "--no-color", "-C", dir, "list"}); err != nil {
		t.Fatal(err)
	}
	if io.Color {
		t.Error("--no-color left Color on")
	}
	io.Color = true
	if err := Run(context.Background(), io, []string{"gazr", "-C", dir, "list"}); err != nil {
		t.Fatal(err)
	}
	if !io.Color {
		t.Error("Color turned off without --no-color")
	}
}
