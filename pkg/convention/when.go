package convention

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/gazr-io/gazr/pkg/fingerprint"
)

// When is the condition under which a convention's verb is defined: the
// project shows it has such work (integration tests, a linter). Any one of
// its parts that holds is enough; an empty When always holds.
type When struct {
	// Paths are files or directories, relative to the root, any of which
	// existing defines the verb ("tests/integration").
	Paths []string
	// Files are base-name globs ("*_test.go") searched in the project
	// tree (hidden, vendor, node_modules and testdata directories
	// skipped); with Pattern, one of them must also match it.
	Files   []string
	Pattern *regexp.Regexp
	// PackageJSON are key paths in the root package.json, any of which
	// existing defines the verb ("scripts.test:integration").
	PackageJSON []string
}

func (w *When) decode(data any) error {
	m, ok := data.(map[string]any)
	if !ok {
		return fmt.Errorf("when must be a table")
	}
	for k, val := range m {
		var err error
		switch k {
		case "paths":
			w.Paths, err = stringList(k, val)
		case "files":
			w.Files, err = stringList(k, val)
		case "package-json":
			w.PackageJSON, err = stringList(k, val)
		case "pattern":
			s, _ := val.(string)
			w.Pattern, err = regexp.Compile(s)
		default:
			err = fmt.Errorf("unknown key when.%s", k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func stringList(key string, val any) ([]string, error) {
	list, ok := val.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be a list of strings", key)
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%s must hold strings", key)
		}
		out = append(out, s)
	}
	return out, nil
}

// Holds reports whether the condition holds for the project at root.
func (w *When) Holds(root string) bool {
	if w == nil {
		return true
	}
	return w.holdsWithoutFiles(root) || len(w.Files) > 0 && filesMatch(root, []*When{w})[0]
}

// holdsWithoutFiles checks the cheap parts of the condition: paths and
// package.json keys, everything but a walk of the tree.
func (w *When) holdsWithoutFiles(root string) bool {
	for _, p := range w.Paths {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err == nil {
			return true
		}
	}
	return len(w.PackageJSON) > 0 && packageJSONHas(root, w.PackageJSON)
}

// skipDir names directories that hold no project source of interest:
// dependencies, virtualenvs, tool state, Go's ignored testdata.
func skipDir(name string) bool {
	switch name {
	case "node_modules", "vendor", "testdata", "venv", "__pycache__":
		return true
	}
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// filesMatch walks the tree at root once for all the conditions ws (every
// run of gazr pays it: a convention is applied to the project before any
// verb) and reports, for each, whether a file matches it; the walk lists
// several directories at a time, reads no file whose name no condition
// wants, and stops as soon as every one is decided.
func filesMatch(root string, ws []*When) []bool {
	file := evidenceFile(root, ws)
	if file != "" {
		if found, ok := recall(root, file, len(ws)); ok {
			return found
		}
	}
	e := newEvidence(len(ws))
	if file != "" {
		e.note(root, ".", true)
	}
	found := e.found
	var mu sync.Mutex
	left := len(ws)
	descend := func(rel, name string) bool {
		if skipDir(name) {
			return false
		}
		if file != "" {
			e.note(root, rel, true) // before it is listed: a later change shows
		}
		return true
	}
	fingerprint.Files(root, descend, func(rel string) bool {
		name := path.Base(rel)
		var data []byte
		for i, w := range ws {
			mu.Lock()
			done := found[i]
			mu.Unlock()
			if done || !w.nameMatches(name) {
				continue
			}
			if w.Pattern != nil {
				if data == nil {
					if file != "" {
						e.note(root, rel, false)
					}
					var err error
					if data, err = os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
						e.unsure()   // it may be readable next time
						return false // an unreadable file holds no evidence
					}
				}
				if !w.Pattern.Match(data) {
					continue
				}
			}
			mu.Lock()
			if !found[i] {
				found[i] = true
				left--
			}
			all := left == 0
			mu.Unlock()
			if all {
				return true
			}
		}
		return false
	})
	if file != "" {
		e.remember(file)
	}
	return found
}

func (w *When) nameMatches(name string) bool {
	for _, g := range w.Files {
		if ok, _ := filepath.Match(g, name); ok {
			return true
		}
	}
	return false
}

// packageJSONHas reports whether the root package.json has any of the
// dotted key paths; a key may hold a colon ("scripts.test:integration").
func packageJSONHas(root string, keys []string) bool {
	data, err := os.ReadFile(filepath.Join(root, "package.json"))
	if err != nil {
		return false
	}
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil {
		return false
	}
	for _, k := range keys {
		var cur any = doc
		for _, part := range strings.Split(k, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				cur = nil
				break
			}
			cur = m[part]
		}
		if cur != nil {
			return true
		}
	}
	return false
}

// splitConditional moves the verbs with a When out of Verbs: a convention
// not yet applied to a project (ByName, All) does not define them, and
// says why in Undefined.
func (c *Convention) splitConditional() {
	c.conditional = map[string]Verb{}
	c.Undefined = map[string]string{}
	for name, v := range c.Verbs {
		if v.When != nil {
			c.conditional[name] = v
			c.Undefined[name] = v.Missing
			delete(c.Verbs, name)
		}
	}
}

// applyWhen returns a copy of c with the conditional verbs whose When
// holds at root; the others stay in Undefined. c itself is shared and
// stays unchanged.
func (c *Convention) applyWhen(root string) *Convention {
	cp := *c
	cp.Verbs = make(map[string]Verb, len(c.Verbs)+len(c.conditional))
	for name, v := range c.Verbs {
		cp.Verbs[name] = v
	}
	cp.Undefined = map[string]string{}
	var walk []string // the verbs whose condition needs a walk of the tree
	var ws []*When
	for name, v := range c.conditional {
		switch {
		case v.When.holdsWithoutFiles(root):
			cp.Verbs[name] = v
		case len(v.When.Files) > 0:
			walk, ws = append(walk, name), append(ws, v.When)
		default:
			cp.Undefined[name] = v.Missing
		}
	}
	if len(ws) > 0 {
		for i, ok := range filesMatch(root, ws) {
			if v := c.conditional[walk[i]]; ok {
				cp.Verbs[walk[i]] = v
			} else {
				cp.Undefined[walk[i]] = v.Missing
			}
		}
	}
	return &cp
}
