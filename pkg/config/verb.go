package config

import (
	"path"
	"sort"
	"strings"
	"time"
)

var verbKeys = []string{"description", "run", "image", "env", "workdir", "user", "caches", "service",
	"services", "sources", "generates", "deps", "warm"}

func (d *decoder) verb(key []string, v any) (*Verb, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a table, not %s", strings.Join(key, "."), tomlType(v))
	}
	verb := &Verb{}
	for _, k := range sortedKeys(table) {
		val := table[k]
		fkey := append(key[:len(key):len(key)], k)
		var err error
		switch k {
		case "description":
			verb.Description, err = d.str(fkey, val)
		case "run":
			if err = verb.Run.UnmarshalTOML(val); err != nil {
				// The message starts with "run" ("run[1] must be…"):
				// prefix the table to name the full key.
				err = d.errorf(fkey, "%s.%v", strings.Join(key, "."), err)
			} else if len(verb.Run) == 0 {
				err = d.errorf(fkey, "%s: list of commands is empty", strings.Join(fkey, "."))
			} else {
				err = d.commands(fkey, verb.Run)
			}
		case "image":
			verb.Image, err = d.image(fkey, val)
		case "env":
			verb.Env, err = d.env(fkey, val)
		case "workdir":
			verb.Workdir, err = d.workdir(fkey, val)
		case "user":
			verb.User, err = d.user(fkey, val)
		case "service":
			verb.Service, err = d.nonEmpty(fkey, val)
		case "caches":
			verb.Caches, err = d.strings(fkey, val)
			if verb.Caches == nil && err == nil {
				verb.Caches = []string{}
			}
		case "services":
			verb.Services, err = d.names(fkey, val)
		case "sources":
			verb.Sources, err = d.globs(fkey, val)
		case "generates":
			verb.Generates, err = d.globs(fkey, val)
		case "deps":
			verb.Deps, err = d.deps(fkey, val)
		case "warm":
			verb.Warm, err = d.warm(fkey, val)
		default:
			err = d.errorf(fkey, "unknown key %q in %s%s", k, strings.Join(key, "."), didYouMean(k, verbKeys))
		}
		if err != nil {
			return nil, err
		}
		d.seen(fkey)
	}
	return verb, nil
}

// MaxWarm bounds verbs.<verb>.warm: a container idle for longer than a
// working day is one nobody remembers.
const MaxWarm = 24 * time.Hour

// warm is how long a verb's warm container is kept after its last run:
// a duration from 1s to MaxWarm; "0" turns warm runs off.
func (d *decoder) warm(key []string, v any) (time.Duration, error) {
	s, err := d.nonEmpty(key, v)
	if err != nil {
		return 0, err
	}
	t, perr := time.ParseDuration(s)
	switch {
	case s == "0":
		return 0, nil
	case perr != nil || t < 0:
		return 0, d.errorf(key, "%s %q is not a duration (e.g. \"15m\", \"1h\"; \"0\" for none)", strings.Join(key, "."), s)
	case t != 0 && t < time.Second:
		return 0, d.errorf(key, "%s %q is shorter than 1s", strings.Join(key, "."), s)
	case t > MaxWarm:
		return 0, d.errorf(key, "%s %q is longer than %s", strings.Join(key, "."), s, "24h")
	}
	return t, nil
}

func (d *decoder) str(key []string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", d.errorf(key, "%s must be a string, not %s", strings.Join(key, "."), tomlType(v))
	}
	return s, nil
}

func (d *decoder) nonEmpty(key []string, v any) (string, error) {
	s, err := d.str(key, v)
	if err == nil && strings.TrimSpace(s) == "" {
		err = d.errorf(key, "%s must not be empty", strings.Join(key, "."))
	}
	return s, err
}

func (d *decoder) strings(key []string, v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a list of strings, not %s", strings.Join(key, "."), tomlType(v))
	}
	var out []string
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, d.errorf(key, "%s[%d] must be a string, not %s", strings.Join(key, "."), i, tomlType(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// names is a list of distinct, non-empty names (services).
func (d *decoder) names(key []string, v any) ([]string, error) {
	list, err := d.strings(key, v)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, s := range list {
		switch {
		case strings.TrimSpace(s) == "":
			return nil, d.errorf(key, "%s[%d] must not be empty", strings.Join(key, "."), i)
		case seen[s]:
			return nil, d.errorf(key, "%s lists %q twice", strings.Join(key, "."), s)
		}
		seen[s] = true
	}
	return list, nil
}

// globs is a list of slash-separated patterns inside the project.
func (d *decoder) globs(key []string, v any) ([]string, error) {
	list, err := d.strings(key, v)
	if err != nil {
		return nil, err
	}
	for _, g := range list {
		if msg := CheckGlob(g); msg != "" {
			return nil, d.errorf(key, "%s: %q %s", strings.Join(key, "."), g, msg)
		}
	}
	return list, nil
}

// deps is a list of known verbs; the whole graph is checked for cycles
// once every verb is read (checkDeps).
func (d *decoder) deps(key []string, v any) ([]string, error) {
	list, err := d.names(key, v)
	if err != nil {
		return nil, err
	}
	for _, dep := range list {
		switch {
		case dep == key[len(key)-2]:
			return nil, d.errorf(key, "%s: a verb cannot depend on itself", strings.Join(key, "."))
		case !IsVerb(dep):
			return nil, d.errorf(key, "%s: unknown verb %q%s", strings.Join(key, "."), dep, didYouMean(dep, Verbs))
		}
	}
	return list, nil
}

func (d *decoder) env(key []string, v any) (map[string]string, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a table of strings, not %s", strings.Join(key, "."), tomlType(v))
	}
	out := make(map[string]string, len(table))
	for _, name := range sortedKeys(table) {
		ekey := append(key[:len(key):len(key)], name)
		if name == "" || strings.ContainsAny(name, "= \t\n\x00") {
			return nil, d.errorf(ekey, "%q is not a valid environment variable name", name)
		}
		if strings.HasPrefix(name, "GAZR_") || name == "GAZR" {
			return nil, d.errorf(ekey, "%s: variables named GAZR_* are set by gazr itself; choose another name", name)
		}
		s, ok := table[name].(string)
		if !ok {
			return nil, d.errorf(ekey, "%s.%s must be a string, not %s (quote it: %s = \"…\")",
				strings.Join(key, "."), name, tomlType(table[name]), name)
		}
		out[name] = s
		d.seen(ekey)
	}
	return out, nil
}

func (d *decoder) workdir(key []string, v any) (string, error) {
	s, err := d.nonEmpty(key, v)
	if err != nil {
		return "", err
	}
	clean := path.Clean(s)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", d.errorf(key, "%s %q must be a path inside the project, relative to its root", strings.Join(key, "."), s)
	}
	return clean, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func quote(s string) string { return `"` + s + `"` }
