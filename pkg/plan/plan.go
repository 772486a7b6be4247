// Package plan resolves a verb into the steps that run it: for each step
// the image, commands, environment, mounts, user and caches, each with the
// origin of its value (".gazr.toml:12", "convention go", "default").
//
// Resolution is pure: it reads the parsed config and convention and never
// talks to the engine, so `gazr explain` and `--dry-run` show exactly what
// a run would do.
package plan

import (
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gazr-io/gazr/pkg/convention"
)

// Origins of values that do not come from a file or a convention.
const (
	OriginDefault = "default"
	OriginGazr    = "gazr"
	OriginHost    = "host user"
	OriginArgs    = "command line"
)

// Paths inside step containers.
const (
	// HomeDir is the step's HOME: a tmpfs writable by any user, so tools
	// that write to HOME work whatever UID the step runs as.
	HomeDir = "/gazr/home"
	// CacheDir holds one mounted cache volume per subdirectory.
	CacheDir = "/gazr/cache"
	// CacheVolumePrefix prefixes the names of cache volumes.
	CacheVolumePrefix = "gazr-cache-"
)

// Plan is the resolved form of one verb.
type Plan struct {
	Verb    string
	Project string
	// Root is the project root on the host, mounted at the same path.
	Root string
	// Config is the project file path, empty without one.
	Config string
	// Convention is the convention in use, nil when none.
	Convention *convention.Convention
	// Steps are in an order where each comes after its Deps; steps whose
	// deps have all passed may run in parallel. The first failure stops
	// the plan: no step starts after it.
	Steps []*Step
}

// Step is one container run.
type Step struct {
	Verb     string
	Image    Value
	Commands []string
	// CommandsOrigin says where Commands came from.
	CommandsOrigin string
	// Prelude runs before Commands (the convention's setup, e.g. a
	// virtualenv); a failing prelude fails the step.
	Prelude Value
	// ToolCheck runs after Prelude: it makes the convention's Tools
	// available (installing pinned Go tools on demand) or exits 2 with a
	// gazr line saying which is missing and how to fix it.
	ToolCheck Value
	Tools     []string
	// Args are extra arguments (after --), appended to the last command.
	Args    []string
	Workdir Value
	User    Value
	Env     []EnvVar
	Mounts  []Mount
	Caches  []Cache
	// Services are the compose services the step needs, started healthy
	// before it (config: verbs.<verb>.services).
	Services Values
	// Sources and Generates are the verb's globs (config: verbs.<verb>.sources
	// and .generates); a step with sources is skipped when its work is
	// unchanged since its last success.
	Sources, Generates Values
	// Deps are the verbs that must pass before this step, each with the
	// origin of the dependency (".gazr.toml:9", "group test").
	Deps []Value
	// Network is the engine network the step joins so that its services
	// resolve by name; set when they are started, empty for the default.
	Network string
	// Warm, when not zero, keeps the step's container running for this
	// long after a run, and runs the next ones in it (config:
	// verbs.<verb>.warm, from WarmOrigin).
	Warm       time.Duration
	WarmOrigin string
}

// Short formats d without its zero tails: 15m, 1h30m, 90s.
func Short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Values is a resolved list setting and where it came from.
type Values struct {
	Values []string `json:"values"`
	Origin string   `json:"origin"`
}

// Value is a resolved setting and where it came from.
type Value struct {
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

// EnvVar is one environment variable of a step.
type EnvVar struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

// Mount is a bind mount of a host path.
type Mount struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	Origin   string `json:"origin"`
	ReadOnly bool   `json:"read_only"`
}

// Cache is a named volume shared across projects and runs.
type Cache struct {
	Name   string `json:"name"`
	Volume string `json:"volume"`
	Target string `json:"target"`
	EnvVar string `json:"env_var,omitempty"`
	Origin string `json:"origin"`
}

// EnvList returns the step's environment as NAME=value strings.
func (s *Step) EnvList() []string {
	out := make([]string, 0, len(s.Env))
	for _, e := range s.Env {
		out = append(out, e.Name+"="+e.Value)
	}
	return out
}

// Script returns the shell command that runs the step's commands in
// order, stopping at the first failure with its exit code. Args are
// appended to the last command as "$@", so they keep their quoting; a
// command that places them itself ("$@" or $@ in its text) is left as is.
// A command meant to receive args must not end with a # comment.
func (s *Step) Script() string {
	last := len(s.Commands) - 1
	if last == 0 && s.Prelude.Value == "" && s.ToolCheck.Value == "" {
		return withArgs(s.Commands[0], s.Args)
	}
	var b strings.Builder
	for _, pre := range []string{s.Prelude.Value, s.ToolCheck.Value} {
		if pre != "" {
			b.WriteString("{ " + pre + "\n} || exit $?\n")
		}
	}
	for i, c := range s.Commands {
		if i == last {
			c = withArgs(c, s.Args)
		}
		b.WriteString("{ " + c + "\n} || exit $?\n")
	}
	return b.String()
}

func withArgs(cmd string, args []string) string {
	if len(args) == 0 || strings.Contains(cmd, "$@") {
		return cmd
	}
	return cmd + ` "$@"`
}

// Cmd returns the container command: sh -c with the script and the args.
func (s *Step) Cmd() []string {
	cmd := []string{"sh", "-c", s.Script()}
	if len(s.Args) > 0 {
		cmd = append(append(cmd, "gazr"), s.Args...)
	}
	return cmd
}

// Containers run the project at the same absolute path as on the host so
// that paths in tool output match; on Windows hosts a drive path is not a
// valid container path, so it is converted to a slash path.
func containerPath(hostPath string) string {
	p := filepath.ToSlash(hostPath)
	if v := filepath.VolumeName(hostPath); v != "" {
		p = "/" + strings.ToLower(strings.TrimSuffix(v, ":")) + strings.TrimPrefix(p, filepath.ToSlash(v))
	}
	return path.Clean(p)
}

func sortedEnv(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
