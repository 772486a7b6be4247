package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/convention"
)

// TestRunInitWriteMakefile: the dry run prints and writes nothing; the
// Makefile written has a target per verb the project has (plus deploy,
// which has envs), read back by gazr's own Makefile convention; make runs
// gazr; the project keeps its language convention; a second run refuses
// and leaves the file as it was.
func TestRunInitWriteMakefile(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{"go.mod": "module x\n", ".gazr.toml": "[env.prod]\n"})
	opts, out := writeConfigOptions(t, dir, true)
	opts.WriteConfig, opts.WriteMakefile = false, true
	if err := runInit(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "Makefile")
	if !strings.Contains(out.String(), "\ntest:\n\t$(GAZR_BIN) test") {
		t.Errorf("dry run printed:\n%s", out)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("dry run wrote a Makefile")
	}

	p, err := loader(dir)()
	if err != nil {
		t.Fatal(err)
	}
	want, err := makefileVerbs(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"test", "test-unit", "build", "style", "deploy"} {
		if !slices.Contains(want, v) {
			t.Errorf("verbs %v lack %s", want, v)
		}
	}
	opts, out = writeConfigOptions(t, dir, false)
	opts.WriteConfig, opts.WriteMakefile = false, true
	if err := runInit(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "wrote "+path) {
		t.Errorf("stdout = %q", out)
	}
	got, err := convention.MakeTargets(path)
	if err != nil {
		t.Fatal(err)
	}
	if w := slices.DeleteFunc(slices.Clone(want), func(v string) bool { return v == "deploy" }); !slices.Equal(got, w) {
		t.Errorf("the Makefile convention reads targets %v, want %v", got, w)
	}
	written, _ := os.ReadFile(path)
	if !strings.Contains(string(written), ".PHONY: ") || !strings.Contains(string(written), "\ndeploy:\n") {
		t.Errorf("Makefile has no .PHONY or deploy target:\n%s", written)
	}
	if p, err := loader(dir)(); err != nil || p.Convention == nil || p.Convention.Name != "go" {
		t.Errorf("after the Makefile, convention = %+v, %v; want go (a forwarding Makefile is no convention)", p.Convention, err)
	}
	if _, err := exec.LookPath("make"); err == nil {
		cmd := exec.Command("make", "-n", "test")
		cmd.Dir = dir
		if b, err := cmd.Output(); err != nil || strings.TrimSpace(string(b)) != "gazr test" {
			t.Errorf("make -n test printed %q (%v), want \"gazr test\"", b, err)
		}
	}

	opts, _ = writeConfigOptions(t, dir, false)
	opts.WriteConfig, opts.WriteMakefile = false, true
	if err := runInit(context.Background(), opts); err == nil || !strings.Contains(err.Error(), path+" already exists") {
		t.Fatalf("second --write-makefile: %v, want a refusal", err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(written) {
		t.Error("Makefile changed by a refused --write-makefile")
	}
}
