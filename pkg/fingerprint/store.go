package fingerprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Record is what a verb's last success left: when, the hashes of its
// settings, and the sums of its sources and generates.
type Record struct {
	Time      time.Time
	Settings  map[string]string
	Sources   Snapshot
	Generates Snapshot
	// SourcesStat and GeneratesStat digest the stats of the files (see
	// statDigest); "" when some file was too recent to vouch for.
	SourcesStat, GeneratesStat string

	files []byte // the file lines, until loadFiles
}

// Store keeps one record per verb of a project, in files under Dir.
type Store struct {
	Dir string
}

// CacheDirEnv overrides the directory under which gazr keeps its state.
const CacheDirEnv = "GAZR_CACHE_DIR"

// CacheDir is the directory under which gazr keeps its state:
// $GAZR_CACHE_DIR, else the user cache directory's gazr/ (~/.cache/gazr on
// Linux).
func CacheDir() (string, error) {
	if dir := os.Getenv(CacheDirEnv); dir != "" {
		return dir, nil
	}
	ucd, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(ucd, "gazr"), nil
}

// Open returns the store of the project at root:
// <cache>/fingerprints/<hash of root>, where <cache> is $GAZR_CACHE_DIR, else
// the user cache directory's gazr/ (~/.cache/gazr on Linux). Nothing is
// written in the project.
func Open(root string) (*Store, error) {
	dir, err := CacheDir()
	if err != nil {
		return nil, fmt.Errorf("no cache directory for fingerprints (%v); set %s", err, CacheDirEnv)
	}
	sum := sha256.Sum256([]byte(root))
	return &Store{Dir: filepath.Join(dir, "fingerprints", hex.EncodeToString(sum[:8]))}, nil
}

func (s *Store) path(verb string) string { return filepath.Join(s.Dir, verb+".fp") }

// Load returns the verb's record, or nil when it has none (or an unreadable
// one: a fingerprint is only ever a reason to skip work).
func (s *Store) Load(verb string) *Record {
	data, err := os.ReadFile(s.path(verb))
	if err != nil {
		return nil
	}
	r, err := decode(data)
	if err != nil {
		return nil
	}
	if r.SourcesStat == "" || r.GeneratesStat == "" {
		// The files will be compared one by one: read them now, so that a
		// corrupt record is no record.
		if r.loadFiles() != nil {
			return nil
		}
	}
	return r
}

// Save writes the verb's record atomically.
func (s *Store) Save(verb string, r *Record) error {
	if err := r.loadFiles(); err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir, verb+".*.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(encode(r))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), s.path(verb))
}

// Forget removes the verb's record.
func (s *Store) Forget(verb string) error {
	err := os.Remove(s.path(verb))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

const header = "gazr-fingerprint 1"

// encode writes a line-based format, faster to read back than JSON for
// repositories of many files:
//
//	time <unix nanoseconds>
//	stat <sources digest> <generates digest>
//	setting <name> <hash>
//	source|generate <size> <mtime> <inode> <hash> <path>
//
// Paths come last, quoted when they hold a newline or start with a quote.
func encode(r *Record) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n")
	fmt.Fprintf(&b, "time %d\n", r.Time.UnixNano())
	fmt.Fprintf(&b, "stat %q %q\n", r.SourcesStat, r.GeneratesStat)
	for _, k := range sortedKeys(r.Settings) {
		fmt.Fprintf(&b, "setting %s %s\n", strconv.Quote(k), strconv.Quote(r.Settings[k]))
	}
	for _, kind := range []struct {
		name string
		snap Snapshot
	}{{"source", r.Sources}, {"generate", r.Generates}} {
		for _, p := range sortedKeys(kind.snap) {
			f := kind.snap[p]
			fmt.Fprintf(&b, "%s %d %d %d %s %s\n", kind.name, f.Size, f.MTime, f.Ino, f.Hash, quotePath(p))
		}
	}
	return b.Bytes()
}

// decode reads a record's header (time, stats, settings); the file lines
// after it are read by loadFiles, only when a check needs them: an
// unchanged tree is vouched for by the stats alone.
func decode(data []byte) (*Record, error) {
	line, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(line) != header {
		return nil, errors.New("not a fingerprint file")
	}
	r := &Record{Settings: map[string]string{}}
	for len(rest) > 0 && !bytes.HasPrefix(rest, []byte("source ")) && !bytes.HasPrefix(rest, []byte("generate ")) {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		kind, val, _ := strings.Cut(string(line), " ")
		var err error
		switch kind {
		case "time":
			var ns int64
			ns, err = strconv.ParseInt(val, 10, 64)
			r.Time = time.Unix(0, ns)
		case "stat":
			var rest2 string
			if r.SourcesStat, rest2, err = unquoteField(val); err == nil {
				r.GeneratesStat, err = strconv.Unquote(rest2)
			}
		case "setting":
			var k, v string
			if k, val, err = unquoteField(val); err == nil {
				v, err = strconv.Unquote(val)
				r.Settings[k] = v
			}
		default:
			err = fmt.Errorf("unknown line %q", kind)
		}
		if err != nil {
			return nil, err
		}
	}
	r.files = rest
	return r, nil
}

// loadFiles reads the record's file lines into Sources and Generates,
// once.
func (r *Record) loadFiles() error {
	if r.files == nil {
		if r.Sources == nil {
			r.Sources = Snapshot{}
		}
		if r.Generates == nil {
			r.Generates = Snapshot{}
		}
		return nil
	}
	src, gen := Snapshot{}, Snapshot{}
	for rest := r.files; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		kind, val, _ := strings.Cut(string(line), " ")
		var err error
		switch kind {
		case "source":
			err = decodeSum(val, src)
		case "generate":
			err = decodeSum(val, gen)
		default:
			err = fmt.Errorf("unknown line %q", kind)
		}
		if err != nil {
			return err
		}
	}
	r.Sources, r.Generates, r.files = src, gen, nil
	return nil
}

func decodeSum(line string, into Snapshot) error {
	f := strings.SplitN(line, " ", 5)
	if len(f) != 5 {
		return errors.New("short line")
	}
	size, err1 := strconv.ParseInt(f[0], 10, 64)
	mtime, err2 := strconv.ParseInt(f[1], 10, 64)
	ino, err3 := strconv.ParseUint(f[2], 10, 64)
	p, err4 := unquotePath(f[4])
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return err
	}
	into[p] = FileSum{Size: size, MTime: mtime, Ino: ino, Hash: f[3]}
	return nil
}

func quotePath(p string) string {
	if strings.ContainsAny(p, "\n\r") || strings.HasPrefix(p, `"`) {
		return strconv.Quote(p)
	}
	return p
}

func unquotePath(p string) (string, error) {
	if strings.HasPrefix(p, `"`) {
		return strconv.Unquote(p)
	}
	return p, nil
}

// unquoteField reads a leading quoted string and returns it and the rest.
func unquoteField(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", err
	}
	v, err := strconv.Unquote(q)
	return v, strings.TrimPrefix(s[len(q):], " "), err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
