package convention

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestMakeTargets(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // in config.Verbs order
	}{
		{"simple targets", "test:\n\tgo test\nbuild: test\n\tgo build\n", []string{"test", "build"}},
		{"order follows config.Verbs", "build:\ninit:\n", []string{"init", "build"}},
		{"several targets on one line", "test-unit build: deps\n", []string{"test-unit", "build"}},
		{"double-colon rule", "test:: a\n", []string{"test"}},
		{"space before the colon", "format :\n", []string{"format"}},
		{"no prerequisites at end of file", "style:", []string{"style"}},
		{"inline recipe", "run: ; ./app\n", []string{"run"}},
		{"simple assignment", "test := 1\nbuild:=2\n", nil},
		{"recursive and other assignments", "test = 1\nbuild ?= 2\ninit += 3\nrun != echo\n", nil},
		{"recipe lines", "all:\n\ttest: not a target\n\tbuild:\n", nil},
		{"comments", "# test:\n#build: x\n", nil},
		{"not verbs", ".PHONY: all\nall:\n%.o: %.c\n$(BIN): main.c\nbin/app: x\n", nil},
		{".PHONY lists no targets", ".PHONY: test build\n", nil},
		{"verb-like prefixes", "tests:\nbuilder:\n", nil},
		{"CRLF line endings", "test:\r\n\tgo test\r\n", []string{"test"}},
		{"every gazr.io verb", "init style complexity format test test-unit test-functional test-integration:\nsecurity security-sast security-dependency-scan run watch build:\n",
			[]string{"init", "style", "complexity", "format", "test", "test-unit", "test-functional", "test-integration", "security", "security-sast", "security-dependency-scan", "run", "watch", "build"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "Makefile")
			if err := os.WriteFile(p, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := makeTargets(p)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("makeTargets = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMakeTargetsImmediateAssignment covers POSIX "::=" and GNU make 4.4
// ":::=" assignments, which are not rules.
func TestMakeTargetsImmediateAssignment(t *testing.T) {
	p := filepath.Join(t.TempDir(), "Makefile")
	if err := os.WriteFile(p, []byte("test ::= 1\nbuild :::= 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := makeTargets(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("makeTargets = %q, want none", got)
	}
}

func TestMakeTargetsMissingFile(t *testing.T) {
	if _, err := makeTargets(filepath.Join(t.TempDir(), "Makefile")); err == nil {
		t.Error("makeTargets of a missing file: no error")
	}
}
