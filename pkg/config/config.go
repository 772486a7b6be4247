// Package config finds, parses and validates a project's .gazr.toml.
//
// The file is optional: a project without one is described by its
// convention alone (see package convention). Every value read from the file
// remembers where it came from, so that `gazr explain` can say
// ".gazr.toml:12" next to it and errors can point at path:line:col.
package config

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// FileName is the name of the project file gazr looks for, walking up from
// the working directory.
const FileName = ".gazr.toml"

// SchemaURL is where editors find the JSON Schema of the project file
// (docs/gazr.schema.json on gazr's main branch): gazr init --write-config
// names it in Taplo's "#:schema" directive, a comment to gazr.
const SchemaURL = "https://raw.githubusercontent.com/gazr-io/gazr/main/docs/gazr.schema.json"

// Config is the parsed content of a .gazr.toml file.
type Config struct {
	// Path is the absolute path of the file, empty when the project has none.
	Path string
	// Root is the project root: the directory holding the file (or the
	// directory gazr was started in when there is no file).
	Root string

	// Name of the project. Default: the base name of Root.
	Name string `toml:"name"`
	// Image is the default image for every step. Default: the convention's.
	Image string `toml:"image"`
	// Convention forces a convention by name instead of detecting it;
	// "none" disables conventions entirely.
	Convention string `toml:"convention"`
	// Verbs maps a verb name (test-unit, build…) to its definition.
	Verbs map[string]*Verb `toml:"verbs"`

	// Envs are the deploy environments ([env.<name>]); see Env for the
	// implicit "local" one.
	Envs map[string]*Environment `toml:"-"`

	// Pos records where each key was defined, by dotted key path
	// ("verbs.test-unit.run").
	Pos map[string]Position `toml:"-"`
}

// Verb is one [verbs.<name>] table.
type Verb struct {
	// Description is shown by `gazr list`.
	Description string `toml:"description"`
	// Run is the command list; a single string is one command. Commands
	// run in order in one container, stopping at the first failure.
	Run Commands `toml:"run"`
	// Image overrides the project image for this verb.
	Image string `toml:"image"`
	// Env adds to (and overrides) the project env for this verb.
	Env map[string]string `toml:"env"`
	// Workdir is the working directory, relative to the project root.
	// Default: the project root.
	Workdir string `toml:"workdir"`
	// User overrides the user the step runs as. Default: the host user's
	// UID:GID, so that files created by the step belong to the caller.
	User string `toml:"user"`
	// Service names the compose service whose new image, environment,
	// networks and secrets run this verb as a one-off job during a deploy
	// (backup, upgrade). Default: the first service with a build section.
	Service string `toml:"service"`
	// Caches lists cache names (from the convention) to mount; setting it
	// replaces the convention's list for this verb. An empty list mounts none.
	Caches []string `toml:"caches"`
	// Services names the compose services the verb needs (a database, a
	// cache): gazr starts them, healthy, on the project's network before
	// the step, which reaches them by name (db:5432).
	Services []string `toml:"services"`
	// Sources are globs, relative to the project root, of the files the
	// verb reads ("**/*.go"). With sources, a verb whose sources, resolved
	// plan and generates are unchanged since its last success is skipped.
	Sources []string `toml:"sources"`
	// Generates are globs of the files the verb writes; a missing or
	// changed output makes the verb run again.
	Generates []string `toml:"generates"`
	// Deps are verbs that must succeed before this one; independent verbs
	// run in parallel.
	Deps []string `toml:"deps"`
	// Warm keeps the verb's container running between plain `gazr <verb>`
	// runs, for this long after the last one, and runs each in it (an
	// exec, as gazr watch does); 0, the default, runs each in a fresh
	// container.
	Warm time.Duration `toml:"warm"`
}

// Position is a place in a file, 1-based.
type Position struct {
	Line, Col int
}

// Commands is a list of shell commands. In TOML it is a string (one
// command) or an array of strings.
type Commands []string

// UnmarshalTOML accepts a string or an array of strings.
func (c *Commands) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*c = Commands{v}
		return nil
	case []any:
		out := make(Commands, 0, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return &typeError{msg: "run[" + itoa(i) + "] must be a string, not " + tomlType(e)}
			}
			out = append(out, s)
		}
		*c = out
		return nil
	default:
		return &typeError{msg: "run must be a string or a list of strings, not " + tomlType(v)}
	}
}

type typeError struct{ msg string }

func (e *typeError) Error() string { return e.msg }

// Env returns the environment called name. "local" exists even when the
// file does not declare it. An unknown name is an error listing the known
// ones, with a suggestion when one is close.
func (c *Config) Env(name string) (*Environment, error) {
	if e, ok := c.Envs[name]; ok {
		return e, nil
	}
	if name == "local" {
		e := LocalEnv()
		e.Domain = "localhost"
		return e, nil
	}
	known := c.EnvNames()
	hint := ""
	if s := Suggest(name, known); s != "" {
		hint = "; did you mean " + quote(s) + "?"
	}
	return nil, fmt.Errorf("no environment named %q%s; known: %s", name, hint, strings.Join(known, ", "))
}

// EnvNames lists the environments, "local" first.
func (c *Config) EnvNames() []string {
	names := []string{"local"}
	keys := make([]string, 0, len(c.Envs))
	for k := range c.Envs {
		if k != "local" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return append(names, keys...)
}
