package convention

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// toolName reports whether s may name a node or corepack tool: letters,
// digits, - and _, not starting with -.
func toolName(s string) bool {
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && (r == '-' || r == '_')
		if !ok {
			return false
		}
	}
	return s != ""
}

// Tool is a program a convention's verbs run that the image may lack.
// Exactly one of Go, Python, Node or Corepack says how gazr finds it:
//
//   - Go: installed on demand with `go install Go@Version` into the
//     convention's go-bin cache (GAZR_GOBIN), one directory per version,
//     so a second run finds it there and downloads nothing;
//   - Python: a module importable by the step's python3 (the project's
//     virtualenv when there is one);
//   - Node: a program in the project's node_modules/.bin;
//   - Corepack: a package manager on the image's PATH, else enabled by
//     Node's corepack (in the node images up to Node 24) into the step's
//     HOME; corepack then fetches the version package.json's
//     packageManager names, into COREPACK_HOME.
//
// Python and Node tools are the project's dependencies: their versions
// are the project's lock file's, not gazr's.
type Tool struct {
	// Version pins a Go tool; the step gets it as <NAME>_VERSION
	// (VersionEnv), which the verb's env in .gazr.toml overrides.
	Version string `toml:"version"`
	Go      string `toml:"go"`
	Python  string `toml:"python"`
	Node    string `toml:"node"`
	// Corepack is the program's name ("pnpm").
	Corepack string `toml:"corepack"`
}

// VersionEnv is the environment variable holding the version of tool
// name in a step: GOCYCLO_VERSION for "gocyclo".
func VersionEnv(name string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name)) + "_VERSION"
}

// ToolVersions returns the pinned tools of verb as name → version.
func (c *Convention) ToolVersions(verb string) map[string]string {
	out := map[string]string{}
	for _, name := range c.Verbs[verb].Tools {
		if t := c.Tools[name]; t.Version != "" {
			out[name] = t.Version
		}
	}
	return out
}

// ToolCheck returns the shell run before the commands of verb that makes
// each of its tools available, or exits 2 with one gazr-formatted line
// naming the tool, where gazr looked and the fix. Exit code 2 is a set-up
// problem; once the tools are there the commands' own exit code is the
// step's. Empty when the verb needs no tool.
func (c *Convention) ToolCheck(verb string) string {
	var b strings.Builder
	for _, name := range c.Verbs[verb].Tools {
		t := c.Tools[name]
		fix := fmt.Sprintf("or set [verbs.%s] run in .gazr.toml", verb)
		switch {
		case t.Go != "":
			bin := path.Base(t.Go)
			ver := "$" + VersionEnv(name)
			fmt.Fprintf(&b, "gazr_bin=\"${GAZR_GOBIN:-$HOME/go-bin}/%s/%s\"\n", name, ver)
			fmt.Fprintf(&b, "if [ ! -x \"$gazr_bin/%s\" ]; then\n", bin)
			fmt.Fprintf(&b, "  echo \"gazr: installing %s %s into the go-bin cache\" >&2\n", name, ver)
			fmt.Fprintf(&b, "  GOBIN=\"$gazr_bin\" go install %s@\"%s\" >&2 || { echo \"gazr: %s needs %s %s: go install %s@%s failed (looked in $gazr_bin, GOPROXY=${GOPROXY:-default}); fix: make the Go module proxy reachable, set %s in [verbs.%s.env], %s\" >&2; exit 2; }\n",
				t.Go, ver, verb, name, ver, t.Go, ver, VersionEnv(name), verb, fix)
			b.WriteString("fi\nPATH=\"$gazr_bin:$PATH\"\n")
		case t.Python != "":
			fmt.Fprintf(&b, "python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec(\"%s\") is None)' 2>/dev/null || { echo \"gazr: %s needs %s, not installed in ${VIRTUAL_ENV:-$(command -v python3) (no .venv)}; fix: add %s to the project's requirements (requirements.txt or pyproject.toml) and run gazr init, %s\" >&2; exit 2; }\n",
				t.Python, verb, name, name, fix)
		case t.Node != "":
			fmt.Fprintf(&b, "[ -x node_modules/.bin/%s ] || { echo \"gazr: %s needs %s, not found in node_modules/.bin; fix: add %s to devDependencies in package.json and run gazr init, %s\" >&2; exit 2; }\n",
				t.Node, verb, name, name, fix)
		case t.Corepack != "":
			corepackCheck(&b, verb, name, t.Corepack, fix)
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// corepackCheck writes the check of a package manager: the image's, else
// corepack's shim in $HOME/.corepack-bin (HOME is the step's own, writable
// by any user; corepack enable's default, node's bin directory, is root's).
// Corepack is told not to prompt before a download (a step may have a
// terminal but no one to answer; the image's pnpm may be a corepack shim
// too) and not to write packageManager into package.json (corepack up to
// 0.30 pins it on its own).
func corepackCheck(b *strings.Builder, verb, name, prog, fix string) {
	b.WriteString("export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_ENABLE_AUTO_PIN=0\n")
	fmt.Fprintf(b, "if ! command -v %s >/dev/null 2>&1; then\n", prog)
	b.WriteString("  if command -v corepack >/dev/null 2>&1; then\n")
	fmt.Fprintf(b, "    mkdir -p \"$HOME/.corepack-bin\" || { echo \"gazr: %s needs %s: cannot create $HOME/.corepack-bin for corepack's %s; fix: give the step a writable HOME, use an image with %s installed, %s\" >&2; exit 2; }\n",
		verb, name, prog, prog, fix)
	fmt.Fprintf(b, "    corepack enable --install-directory \"$HOME/.corepack-bin\" %s >&2 || { echo \"gazr: %s needs %s: corepack enable %s failed (looked in PATH=$PATH); fix: use an image with %s installed, %s\" >&2; exit 2; }\n",
		prog, verb, name, prog, prog, fix)
	b.WriteString("    PATH=\"$HOME/.corepack-bin:$PATH\"\n")
	b.WriteString("  else\n")
	fmt.Fprintf(b, "    echo \"gazr: %s needs %s, not found in PATH=$PATH, and the image has no corepack to provide it; fix: use an image with corepack (node:22) or %s installed, %s\" >&2; exit 2\n",
		verb, name, prog, fix)
	b.WriteString("  fi\nfi\n")
}

// WhyNot says why verb is not defined in this convention, for `gazr list`
// and the not-defined error.
func (c *Convention) WhyNot(verb string) string {
	if r := c.Undefined[verb]; r != "" {
		return r
	}
	switch {
	case c.Makefile:
		return fmt.Sprintf("the Makefile has no %s target", verb)
	case c.Taskfile:
		return fmt.Sprintf("the Taskfile has no %s task", verb)
	}
	return fmt.Sprintf("convention %s does not define it", c.Name)
}

// check validates what the TOML types cannot: every tool a verb names is
// declared once, with one way to find it, and a conditional verb says why
// it can be missing.
func (c *Convention) check() error {
	for _, name := range sortedKeys(c.Tools) {
		t := c.Tools[name]
		n := 0
		for _, s := range []string{t.Go, t.Python, t.Node, t.Corepack} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("tool %s: set exactly one of go, python, node, corepack", name)
		}
		// The names land in the shell line of the check, unquoted.
		for _, s := range []string{t.Node, t.Corepack} {
			if s != "" && !toolName(s) {
				return fmt.Errorf("tool %s: %q is not a program name (letters, digits, - and _)", name, s)
			}
		}
		if t.Go != "" && (t.Version == "" || t.Version == "latest") {
			return fmt.Errorf("tool %s: a Go tool needs a pinned version", name)
		}
	}
	for _, verb := range sortedKeys(c.Verbs) {
		v := c.Verbs[verb]
		for _, name := range v.Tools {
			if _, ok := c.Tools[name]; !ok {
				return fmt.Errorf("verb %s: unknown tool %q", verb, name)
			}
		}
		if v.When != nil && v.Missing == "" {
			return fmt.Errorf("verb %s: when needs missing, the reason shown when it does not hold", verb)
		}
		for _, r := range v.Run {
			if strings.Contains(r, "@latest") {
				return fmt.Errorf("verb %s: %q is not pinned; declare a tool with a version", verb, r)
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
