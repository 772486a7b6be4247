package convention

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// everyVerb returns a copy of c that defines its conditional verbs too.
func everyVerb(c *Convention) *Convention {
	cp := *c
	cp.Verbs = map[string]Verb{}
	for n, v := range c.Verbs {
		cp.Verbs[n] = v
	}
	for n, v := range c.conditional {
		cp.Verbs[n] = v
	}
	return &cp
}

// hostTools is a directory holding links to the host's progs and nothing
// else: a PATH of it and the stubs leaves out the host's own tools (a
// pnpm or corepack in /usr/bin would answer the checks).
func hostTools(t *testing.T, progs ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, prog := range progs {
		p, err := exec.LookPath(prog)
		if err != nil {
			t.Skipf("no %s on this host", prog)
		}
		if err := os.Symlink(p, filepath.Join(dir, prog)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runCheck runs verb's tool check with sh in dir, PATH holding only bin
// and the host's sh, mkdir and chmod (the stubs use them), and the tools'
// pinned versions in the environment.
func runCheck(t *testing.T, c *Convention, verb, dir, bin string, env ...string) (int, string) {
	t.Helper()
	host := hostTools(t, "sh", "mkdir", "chmod")
	cmd := exec.Command(filepath.Join(host, "sh"), "-c", c.ToolCheck(verb))
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + bin + ":" + host, "HOME=" + dir}, env...)
	for name, v := range c.ToolVersions(verb) {
		cmd.Env = append(cmd.Env, VersionEnv(name)+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// stub writes an executable shell script called name into dir.
func stub(t *testing.T, dir, name, script string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestToolCheckMissing runs, for every convention and every verb that
// needs a tool, the verb's check with the tool absent: a Python module not
// importable, no node_modules/.bin entry, a Go tool whose go install
// fails. Each must exit 2 with one gazr line naming the verb, the tool,
// where gazr looked and the fix.
func TestToolCheckMissing(t *testing.T) {
	list, err := All()
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]int{}
	for _, c := range list {
		c := everyVerb(c)
		for _, verb := range sortedKeys(c.Verbs) {
			for _, name := range c.Verbs[verb].Tools {
				t.Run(c.Name+"/"+verb+"/"+name, func(t *testing.T) {
					dir, bin := t.TempDir(), t.TempDir()
					stub(t, bin, "python3", "exit 1")  // no module is importable
					stub(t, bin, "go", "exit 1")       // the module proxy is unreachable
					stub(t, bin, "corepack", "exit 1") // cannot enable (or the host's would)
					code, stderr := runCheck(t, c, verb, dir, bin, "GAZR_GOBIN="+filepath.Join(dir, "gobin"))
					if code != 2 {
						t.Errorf("exit code %d, want 2 (set-up problem); stderr %q", code, stderr)
					}
					var line string
					for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
						if strings.HasPrefix(l, "gazr: "+verb+" needs ") {
							line = l
						}
					}
					for _, want := range []string{"needs " + name, "fix: ", "[verbs." + verb + "] run in .gazr.toml"} {
						if !strings.Contains(line, want) {
							t.Errorf("message %q lacks %q (stderr %q)", line, want, stderr)
						}
					}
					if !strings.Contains(line, "looked in ") && !strings.Contains(line, "not installed in ") && !strings.Contains(line, "not found in ") {
						t.Errorf("message %q does not say where gazr looked", line)
					}
				})
				checked[c.Name]++
			}
		}
	}
	for _, name := range []string{"go", "python", "node", "node-yarn", "node-pnpm"} {
		if checked[name] == 0 {
			t.Errorf("convention %s: no verb with a tool checked", name)
		}
	}
}

// TestToolCheckPresent: with the tool there the check passes silently.
func TestToolCheckPresent(t *testing.T) {
	py, _ := ByName("python")
	dir, bin := t.TempDir(), t.TempDir()
	stub(t, bin, "python3", "exit 0")
	if code, stderr := runCheck(t, py, "style", dir, bin); code != 0 || stderr != "" {
		t.Errorf("python style: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	node := everyVerb(mustByName(t, "node"))
	if err := os.MkdirAll(filepath.Join(dir, "node_modules/.bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	stub(t, filepath.Join(dir, "node_modules/.bin"), "eslint", "exit 0")
	if code, stderr := runCheck(t, node, "complexity", dir, bin); code != 0 || stderr != "" {
		t.Errorf("node complexity: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
}

// TestToolCheckGoInstallsOnce: a Go tool is installed into the go-bin
// cache at its pinned version on first use, and found there afterwards.
func TestToolCheckGoInstallsOnce(t *testing.T) {
	goConv := mustByName(t, "go")
	dir, bin := t.TempDir(), t.TempDir()
	log := filepath.Join(dir, "installs")
	// A go that "installs" by writing the binary into $GOBIN.
	stub(t, bin, "go", `echo "$@" >> `+log+`; mkdir -p "$GOBIN" && printf '#!/bin/sh\n' > "$GOBIN/gocyclo" && chmod +x "$GOBIN/gocyclo"`)
	gobin := "GAZR_GOBIN=" + filepath.Join(dir, "cache")
	for i := 0; i < 2; i++ {
		if code, stderr := runCheck(t, goConv, "complexity", dir, bin, gobin); code != 0 {
			t.Fatalf("run %d: exit %d, stderr %q", i+1, code, stderr)
		}
	}
	data, _ := os.ReadFile(log)
	want := "install github.com/fzipp/gocyclo/cmd/gocyclo@" + goConv.Tools["gocyclo"].Version + "\n"
	if string(data) != want {
		t.Errorf("go invoked with %q, want once %q", data, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "cache/gocyclo", goConv.Tools["gocyclo"].Version, "gocyclo")); err != nil {
		t.Errorf("tool not in the cache under its version: %v", err)
	}
}

func mustByName(t *testing.T, name string) *Convention {
	t.Helper()
	c, err := ByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestToolCheckCorepack: a package manager the image has is used as is;
// else corepack's shim, enabled into HOME, is put first on the PATH; with
// neither, the step stops with exit 2, saying where gazr looked.
func TestToolCheckCorepack(t *testing.T) {
	pnpm := mustByName(t, "node-pnpm")
	// Only sh and mkdir beside the stubs: the host's own pnpm or
	// corepack must not answer.
	hostBin := hostTools(t, "sh", "mkdir")
	run := func(t *testing.T, bin string) (int, string, string) {
		dir := t.TempDir()
		cmd := exec.Command(filepath.Join(hostBin, "sh"), "-c", "{ "+pnpm.ToolCheck("init")+"\n} || exit $?\npnpm --version")
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + bin + ":" + hostBin, "HOME=" + dir}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), stdout.String(), stderr.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, stdout.String(), stderr.String()
	}
	t.Run("image's pnpm", func(t *testing.T) {
		bin := t.TempDir()
		// The image's pnpm may be a corepack shim: no prompt, no pin.
		stub(t, bin, "pnpm", `echo "image-pnpm prompt=$COREPACK_ENABLE_DOWNLOAD_PROMPT pin=$COREPACK_ENABLE_AUTO_PIN"`)
		stub(t, bin, "corepack", "echo corepack called >&2; exit 1")
		if code, out, errOut := run(t, bin); code != 0 || out != "image-pnpm prompt=0 pin=0\n" || errOut != "" {
			t.Errorf("exit %d, stdout %q, stderr %q; want 0, the image's pnpm with no prompt nor pin, nothing", code, out, errOut)
		}
	})
	t.Run("corepack's pnpm", func(t *testing.T) {
		bin := t.TempDir()
		// corepack enable --install-directory DIR pnpm: a shim in DIR.
		stub(t, bin, "corepack", `[ "$1 $2 $4" = "enable --install-directory pnpm" ] || exit 1
printf '#!/bin/sh\necho "corepack-pnpm prompt=$COREPACK_ENABLE_DOWNLOAD_PROMPT"\n' > "$3/pnpm" && chmod 755 "$3/pnpm"`)
		// chmod for the stub: the host's, next to mkdir.
		if p, err := exec.LookPath("chmod"); err == nil {
			_ = os.Symlink(p, filepath.Join(bin, "chmod"))
		}
		if code, out, errOut := run(t, bin); code != 0 || out != "corepack-pnpm prompt=0\n" {
			t.Errorf("exit %d, stdout %q, stderr %q; want 0, corepack's pnpm with no download prompt", code, out, errOut)
		}
	})
	t.Run("neither", func(t *testing.T) {
		code, out, errOut := run(t, t.TempDir())
		want := "gazr: init needs pnpm, not found in PATH="
		if code != 2 || out != "" || !strings.HasPrefix(errOut, want) || !strings.Contains(errOut, "no corepack") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q…no corepack", code, out, errOut, want)
		}
	})
}

// TestToolNames: node and corepack tools land unquoted in the check's
// shell line, so their names must be program names.
func TestToolNames(t *testing.T) {
	for _, tt := range []struct {
		tool Tool
		ok   bool
	}{
		{Tool{Corepack: "pnpm"}, true},
		{Tool{Node: "eslint_d"}, true},
		{Tool{Node: "tsc-watch"}, true},
		{Tool{Corepack: "pnpm; rm -rf ."}, false},
		{Tool{Node: "$(id)"}, false},
		{Tool{Node: "-v"}, false},
	} {
		err := (&Convention{Tools: map[string]Tool{"t": tt.tool}}).check()
		if (err == nil) != tt.ok {
			t.Errorf("%+v: check() = %v, want ok %v", tt.tool, err, tt.ok)
		}
	}
}
