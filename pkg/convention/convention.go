// Package convention knows the built-in conventions (top-level
// conventions/): how to recognise an ecosystem from marker files and what
// each gazr verb means there.
package convention

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/gazr-io/gazr/conventions"
)

// Convention maps gazr verbs to commands for one ecosystem.
type Convention struct {
	// Name is the file name without .toml ("go", "node-yarn").
	Name        string
	Description string `toml:"description"`
	// Detect lists marker files: the convention applies when any exists at
	// the project root.
	Detect []string `toml:"detect"`
	// Priority orders conventions when several detect; highest wins.
	Priority int `toml:"priority"`
	// Image is the default image for the convention's verbs.
	Image string `toml:"image"`
	// ImageOrigin says where Image came from: "convention go", or the
	// environment variable that overrode it.
	ImageOrigin string `toml:"-"`
	// DefaultImage is the convention's own image, before ImageEnv
	// replaced it (equal to Image when it did not).
	DefaultImage string `toml:"-"`
	// Prelude is shell run before each verb's commands in this convention
	// (e.g. activating a virtualenv); shown by `gazr explain`.
	Prelude string `toml:"prelude"`
	// Caches maps a cache name to the environment variable that tells the
	// tool where its cache lives. Each cache is a named volume shared by all
	// projects.
	Caches map[string]string `toml:"caches"`
	// Verbs maps a verb to its commands.
	Verbs map[string]Verb `toml:"verbs"`
	// Makefile marks the gazr-style Makefile convention, whose verbs come
	// from the Makefile's targets.
	Makefile bool `toml:"makefile"`
	// Taskfile marks the Taskfile convention, whose verbs are the tasks of
	// the project's Taskfile.yml, run by the gazr-task helper.
	Taskfile bool `toml:"taskfile"`
	// Extra lists the verbs the project adds to gazr's (Taskfile tasks
	// not named after a gazr verb), in the order it defines them; each is
	// in Verbs too.
	Extra []string `toml:"-"`
	// Outputs are globs, relative to the project root, of the files the
	// project's tasks write (every Taskfile task's generates): a watch
	// ignores them.
	Outputs []string `toml:"-"`
	// DetectedBy is the marker file that selected the convention, empty
	// when it was named in the config.
	DetectedBy string `toml:"-"`
	// Base is the language convention a Makefile convention borrowed its
	// image and caches from, if any.
	Base string `toml:"-"`
	// Tools are the programs the convention's verbs need beyond the
	// image, by name; see Tool.
	Tools map[string]Tool `toml:"tools"`
	// Undefined maps a verb this project does not get (its When does not
	// hold here) to why, as `gazr list` says it.
	Undefined map[string]string `toml:"-"`
	// conditional holds the verbs with a When, until applyWhen decides.
	conditional map[string]Verb
}

// Verb is one verb of a convention.
type Verb struct {
	Run         []string `toml:"run"`
	Description string   `toml:"description"`
	// Sources and Generates make the verb skippable when unchanged, as in
	// .gazr.toml; they apply while the convention's commands do.
	Sources   []string `toml:"sources"`
	Generates []string `toml:"generates"`
	// Task is the Taskfile task the verb runs through the gazr-task
	// helper, which its step must mount; empty for other conventions.
	Task string `toml:"-"`
	// Origin is where the verb is defined ("Taskfile.yml:12"), when more
	// precise than the convention's name.
	Origin string `toml:"-"`
	// Tools names the convention's tools the commands run; each is
	// checked (or installed) before them. See Convention.ToolCheck.
	Tools []string `toml:"tools"`
	// When, if set, is the condition under which the project has the
	// verb; nil means always.
	When *When `toml:"-"`
	// Missing says why the verb is not defined when When does not hold.
	Missing string `toml:"missing"`
}

// UnmarshalTOML lets run be a string or a list of strings.
func (v *Verb) UnmarshalTOML(data any) error {
	m, ok := data.(map[string]any)
	if !ok {
		return fmt.Errorf("verb must be a table")
	}
	for k, val := range m {
		switch k {
		case "run":
			switch r := val.(type) {
			case string:
				v.Run = []string{r}
			case []any:
				for _, e := range r {
					s, ok := e.(string)
					if !ok {
						return fmt.Errorf("run must hold strings")
					}
					v.Run = append(v.Run, s)
				}
			default:
				return fmt.Errorf("run must be a string or a list of strings")
			}
		case "description":
			v.Description, _ = val.(string)
		case "missing":
			v.Missing, _ = val.(string)
		case "tools":
			tools, err := stringList(k, val)
			if err != nil {
				return err
			}
			v.Tools = tools
		case "when":
			v.When = &When{}
			if err := v.When.decode(val); err != nil {
				return err
			}
		case "sources", "generates":
			list, ok := val.([]any)
			if !ok {
				return fmt.Errorf("%s must be a list of strings", k)
			}
			var globs []string
			for _, e := range list {
				g, ok := e.(string)
				if !ok {
					return fmt.Errorf("%s must hold strings", k)
				}
				globs = append(globs, g)
			}
			if k == "sources" {
				v.Sources = globs
			} else {
				v.Generates = globs
			}
		default:
			return fmt.Errorf("unknown key %q", k)
		}
	}
	return nil
}

// ImageEnv is the environment variable that overrides a convention's
// default image, e.g. GAZR_IMAGE_NODE_YARN for "node-yarn". It lets tests
// and air-gapped sites substitute images without editing conventions.
func ImageEnv(name string) string {
	return "GAZR_IMAGE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

var (
	loadOnce sync.Once
	all      []*Convention
	loadErr  error
)

// All returns every built-in convention, highest priority first.
func All() ([]*Convention, error) {
	loadOnce.Do(func() { all, loadErr = parseAll(conventions.FS) })
	if loadErr != nil {
		return nil, loadErr
	}
	out := make([]*Convention, len(all))
	for i, c := range all {
		out[i] = c.withImageOverride()
	}
	return out, nil
}

func parseAll(fsys fs.FS) ([]*Convention, error) {
	files, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	var out []*Convention
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		c := &Convention{Name: strings.TrimSuffix(path.Base(f), ".toml")}
		md, err := toml.Decode(string(data), c)
		if err != nil {
			return nil, fmt.Errorf("convention %s: %w", f, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return nil, fmt.Errorf("convention %s: unknown key %q", f, und[0].String())
		}
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("convention %s: %w", f, err)
		}
		c.splitConditional()
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority > out[j].Priority })
	return out, nil
}

// withImageOverride returns a copy of c whose image honours ImageEnv.
func (c *Convention) withImageOverride() *Convention {
	cp := *c
	cp.ImageOrigin = "convention " + c.Name
	cp.DefaultImage = c.Image
	if img := os.Getenv(ImageEnv(c.Name)); img != "" {
		cp.Image, cp.ImageOrigin = img, "$"+ImageEnv(c.Name)
	}
	return &cp
}

// ByName returns the convention called name.
func ByName(name string) (*Convention, error) {
	list, err := All()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(list))
	for _, c := range list {
		if c.Name == name {
			return c, nil
		}
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("no convention named %q; known: %s", name, strings.Join(names, ", "))
}
