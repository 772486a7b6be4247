package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/gazr-io/gazr/pkg/limits"
)

// Find walks up from dir looking for FileName and returns its absolute
// path, or "" when no directory up to the filesystem root has one. Any
// file by that name counts, whatever its type: Load says what is wrong.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		// Lstat: a directory, a dangling symlink or a FIFO by that name is
		// the project's file too, which Load then refuses, rather than
		// a reason to look further up.
		p := filepath.Join(dir, FileName)
		if _, err := os.Lstat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load finds the project file from dir and parses it. With no file, it
// returns an empty Config rooted at dir.
func Load(dir string) (*Config, error) {
	path, err := Find(dir)
	if err != nil {
		return nil, err
	}
	if path == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		return &Config{Root: abs, Name: DefaultName(abs), Pos: map[string]Position{}}, nil
	}
	data, err := limits.ReadFile(path, limits.MaxFileSize)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &Error{Path: path, Msg: "cannot read: " + pe.Err.Error()}
		}
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	if len(bytes.TrimSpace(withoutBOM(data))) == 0 {
		// Likely a mistake (a failed write): say so rather than run the
		// convention's defaults as if the file did not exist.
		return nil, &Error{Path: path, Msg: "is empty; write its settings (see gazr init --write-config) or remove it"}
	}
	return Parse(path, data)
}

// withoutBOM returns data without the byte-order mark the TOML decoder
// skips (UTF-8's, or UTF-16's that it reads as a sign of UTF-8), so a file
// holding only a mark counts as empty.
func withoutBOM(data []byte) []byte {
	for _, bom := range []string{"\xef\xbb\xbf", "\xff\xfe"} {
		if rest, ok := bytes.CutPrefix(data, []byte(bom)); ok {
			return rest
		}
	}
	return data
}

// Parse parses and validates the content of a project file at path.
// Data nesting deeper than limits.MaxDepth is refused before decoding.
func Parse(path string, data []byte) (*Config, error) {
	if err := limits.TOMLDepth(data, limits.MaxDepth); err != nil {
		var le *limits.Error
		errors.As(err, &le)
		return nil, &Error{Path: path, Pos: Position{Line: le.Line, Col: le.Col}, Msg: le.Msg}
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{Path: path, Pos: syntaxErrorPos(string(data), pe.Position), Msg: pe.Message}
		}
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	d := &decoder{path: path, loc: newLocator(string(data)), pos: map[string]Position{}}
	cfg := &Config{Path: path, Root: filepath.Dir(path), Pos: d.pos}
	if err := d.project(cfg, raw); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName(cfg.Root)
	}
	return cfg, nil
}

// syntaxErrorPos locates a TOML syntax error from its byte offset.
// toml.ParseError's Line and Col disagree for errors at a line boundary
// (BurntSushi/toml v1.6 may count the newline just read in Line or not,
// down to line 0, and may compute Col against the previous line), so both
// are recomputed from Start, an offset in the input after any byte-order
// mark. Should Start look unset, the reported position is kept.
func syntaxErrorPos(data string, p toml.Position) Position {
	for _, bom := range []string{"\xef\xbb\xbf", "\xff\xfe", "\xfe\xff"} {
		if strings.HasPrefix(data, bom) {
			data = data[len(bom):]
			break
		}
	}
	if p.Start < 0 || p.Start > len(data) || (p.Start == 0 && p.Line > 1) {
		return Position{Line: max(p.Line, 1), Col: p.Col}
	}
	before := data[:p.Start]
	return Position{
		Line: 1 + strings.Count(before, "\n"),
		Col:  len(before) - strings.LastIndexByte(before, '\n'),
	}
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// DefaultName derives a project name from a directory: its base name,
// lower-cased, with characters that are not allowed in container resource
// names replaced by '-'.
func DefaultName(dir string) string {
	base := strings.ToLower(filepath.Base(dir))
	var b strings.Builder
	for _, r := range base {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '.' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.TrimLeft(b.String(), "-_.")
	if name == "" {
		return "project"
	}
	return name
}

// decoder turns the generic TOML tree into a Config, checking every key
// and type and locating each problem in the file.
type decoder struct {
	path string
	loc  *locator
	pos  map[string]Position
}

func (d *decoder) errorf(key []string, format string, args ...any) error {
	return &Error{Path: d.path, Pos: d.loc.find(key), Msg: fmt.Sprintf(format, args...)}
}

// seen records the position of a defined key for `gazr explain`.
func (d *decoder) seen(key []string) {
	d.pos[strings.Join(key, ".")] = d.loc.find(key)
}

var projectKeys = []string{"name", "image", "convention", "verbs", "env"}

func (d *decoder) project(cfg *Config, raw map[string]any) error {
	for _, k := range sortedKeys(raw) {
		v, key := raw[k], []string{k}
		var err error
		switch k {
		case "name":
			cfg.Name, err = d.str(key, v)
			if err == nil && !nameRE.MatchString(cfg.Name) {
				err = d.errorf(key, "name %q must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit", cfg.Name)
			}
		case "image":
			cfg.Image, err = d.image(key, v)
		case "convention":
			cfg.Convention, err = d.nonEmpty(key, v)
		case "verbs":
			cfg.Verbs, err = d.verbs(key, v)
			if err == nil {
				err = d.checkDeps(cfg.Verbs)
			}
		case "env":
			cfg.Envs, err = d.envs(key, v)
		default:
			err = d.errorf(key, "unknown key %q%s", k, didYouMean(k, projectKeys))
		}
		if err != nil {
			return err
		}
		d.seen(key)
	}
	return nil
}

func (d *decoder) verbs(key []string, v any) (map[string]*Verb, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "verbs must be a table of verb tables, not %s", tomlType(v))
	}
	out := make(map[string]*Verb, len(table))
	for _, name := range sortedKeys(table) {
		vkey := append(key[:1:1], name)
		if !IsVerb(name) {
			return nil, d.errorf(vkey, "unknown verb %q%s (known: %s)", name, didYouMean(name, Verbs), strings.Join(Verbs, ", "))
		}
		verb, err := d.verb(vkey, table[name])
		if err != nil {
			return nil, err
		}
		out[name] = verb
		d.seen(vkey)
	}
	return out, nil
}
