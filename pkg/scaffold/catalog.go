// Package scaffold creates projects from templates (`gazr new`): it reads a
// catalog of templates from a file system (the embedded top-level
// templates/ directory), renders one with the new project's Data, and
// writes it into a new or empty directory so that a failure leaves
// nothing behind.
package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/templates"
)

// IndexFile lists a catalog's templates: one TOML table per template
// directory, with its description and aliases.
const IndexFile = "templates.toml"

// Template is one project template: a directory of the catalog.
type Template struct {
	// Name is the template's directory name, e.g. "go-http".
	Name string
	// Description is the one-line summary `gazr new --list` prints.
	Description string
	// Aliases are other names the template answers to, e.g. "go".
	Aliases []string

	fsys fs.FS // the template's directory
}

// Catalog is a set of templates, in name order.
type Catalog struct {
	Templates []*Template
}

type indexEntry struct {
	Description string   `toml:"description"`
	Aliases     []string `toml:"aliases"`
}

// Builtin is the catalog embedded in gazr (the top-level templates/).
func Builtin() (*Catalog, error) {
	return Load(templates.FS)
}

// Load reads the catalog of fsys: IndexFile at its root and one directory
// per template it lists. A template without a directory, a directory not
// in the index, an unknown key, an empty description or a name claimed
// twice (names and aliases alike) is an error.
func Load(fsys fs.FS) (*Catalog, error) {
	data, err := fs.ReadFile(fsys, IndexFile)
	if err != nil {
		return nil, fmt.Errorf("template catalog: %w", err)
	}
	var index map[string]indexEntry
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&index)
	if err != nil {
		return nil, fmt.Errorf("template catalog: %s: %w", IndexFile, err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		return nil, fmt.Errorf("template catalog: %s: unknown key %q", IndexFile, keys[0].String())
	}
	c := &Catalog{}
	claimed := map[string]string{}
	claim := func(name, by string) error {
		if prev, ok := claimed[name]; ok {
			return fmt.Errorf("template catalog: %q names both %s and %s", name, prev, by)
		}
		claimed[name] = by
		return nil
	}
	for _, name := range sortedKeys(index) {
		e := index[name]
		sub, err := templateDir(fsys, name)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(e.Description) == "" {
			return nil, fmt.Errorf("template catalog: %s: template %q has no description", IndexFile, name)
		}
		for _, n := range append([]string{name}, e.Aliases...) {
			if err := claim(n, "template "+name); err != nil {
				return nil, err
			}
		}
		c.Templates = append(c.Templates, &Template{Name: name, Description: e.Description, Aliases: e.Aliases, fsys: sub})
	}
	if err := checkUnlisted(fsys, index); err != nil {
		return nil, err
	}
	if len(c.Templates) == 0 {
		return nil, errors.New("template catalog: " + IndexFile + " lists no template")
	}
	return c, nil
}

func templateDir(fsys fs.FS, name string) (fs.FS, error) {
	if !fs.ValidPath(name) || strings.Contains(name, "/") || name == "." {
		return nil, fmt.Errorf("template catalog: %s: invalid template name %q: it names a directory beside %s", IndexFile, name, IndexFile)
	}
	fi, err := fs.Stat(fsys, name)
	if err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("template catalog: %s lists %q but there is no directory %s/", IndexFile, name, name)
	}
	return fs.Sub(fsys, name)
}

// checkUnlisted refuses a template directory the index forgot: it would
// be shipped but unreachable.
func checkUnlisted(fsys fs.FS, index map[string]indexEntry) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("template catalog: %w", err)
	}
	for _, e := range entries {
		if _, ok := index[e.Name()]; e.IsDir() && !ok {
			return fmt.Errorf("template catalog: directory %s/ is not listed in %s", e.Name(), IndexFile)
		}
	}
	return nil
}

// Names are the templates' names, without aliases.
func (c *Catalog) Names() []string {
	names := make([]string, len(c.Templates))
	for i, t := range c.Templates {
		names[i] = t.Name
	}
	return names
}

// Lookup returns the template called name (or aliased so). An unknown name
// is an *InputError with the closest name, if one is close, and the known
// templates.
func (c *Catalog) Lookup(name string) (*Template, error) {
	var all []string
	for _, t := range c.Templates {
		if t.Name == name || slices.Contains(t.Aliases, name) {
			return t, nil
		}
		all = append(all, t.Name)
		all = append(all, t.Aliases...)
	}
	hint := ""
	if s := config.Suggest(name, all); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	if name == "" {
		return nil, inputErrorf("no template given (known: %s; see gazr new --list)", strings.Join(c.Names(), ", "))
	}
	return nil, inputErrorf("unknown template %q%s (known: %s; see gazr new --list)", name, hint, strings.Join(c.Names(), ", "))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
