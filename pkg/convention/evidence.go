package convention

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// evidenceDir is where the walks for conditional verbs are remembered;
// "" remembers nothing.
var evidenceDir atomic.Pointer[string]

// RememberEvidenceIn makes the walks of the tree for conditional verbs
// (a `functional` build tag in some *_test.go) remembered under dir, with
// the stats of every directory listed and every file read: while none of
// them changed, the answer is the same and the next run of gazr needs no
// walk (a stat per directory instead of a listing, and no file read).
// "" turns it off (the default).
func RememberEvidenceIn(dir string) { evidenceDir.Store(&dir) }

// stamp is what a file's or directory's stat says of its changes: a
// directory's mtime moves when an entry is added, removed or renamed.
type stamp struct {
	size, mtime int64
	ino         uint64
}

func stampOf(fi fs.FileInfo) stamp {
	return stamp{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ino: inode(fi)}
}

// evidence is a remembered walk: its answers and what they rest on.
type evidence struct {
	found []bool
	mu    sync.Mutex
	paths map[string]stamp // slash paths relative to the root
	racy  bool             // something changed within a second: keep nothing
	since int64
}

// note records the stat of the directory or file at rel; a directory's
// size is left out (-1): its mtime says what counts.
func (e *evidence) note(root, rel string, dir bool) {
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.racy = true // vanished while walking: do not vouch for it
		return
	}
	st := stampOf(fi)
	if dir {
		st.size = -1
	}
	if st.mtime >= e.since {
		e.racy = true
	}
	e.paths[rel] = st
}

// unsure keeps the walk from being remembered.
func (e *evidence) unsure() {
	e.mu.Lock()
	e.racy = true
	e.mu.Unlock()
}

// evidenceFile is the record of the walk of root for ws.
func evidenceFile(root string, ws []*When) string {
	dir := evidenceDir.Load()
	if dir == nil || *dir == "" {
		return ""
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%q\n", abs)
	for _, w := range ws {
		fmt.Fprintf(h, "%q %q\n", w.Files, w.Pattern)
	}
	return filepath.Join(*dir, "conventions", hex.EncodeToString(h.Sum(nil)[:12]))
}

// recall returns the remembered answers for the walk in file, if every
// directory and file they rest on is unchanged.
func recall(root, file string, n int) ([]bool, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || len(sc.Text()) != n || strings.Trim(sc.Text(), "01") != "" {
		return nil, false
	}
	found := make([]bool, n)
	for i, c := range sc.Text() {
		found[i] = c == '1'
	}
	type entry struct {
		rel string
		st  stamp
	}
	var entries []entry
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), " ", 4)
		if len(f) != 4 {
			return nil, false
		}
		var e entry
		var err1, err2, err3, err4 error
		e.st.size, err1 = strconv.ParseInt(f[0], 10, 64)
		e.st.mtime, err2 = strconv.ParseInt(f[1], 10, 64)
		e.st.ino, err3 = strconv.ParseUint(f[2], 10, 64)
		e.rel, err4 = strconv.Unquote(f[3])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return nil, false
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 { // a walk always lists the root
		return nil, false
	}
	var changed atomic.Bool
	var wg sync.WaitGroup
	const workers = 4
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(entries) && !changed.Load(); i += workers {
				e := entries[i]
				fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(e.rel)))
				if err != nil {
					changed.Store(true)
					return
				}
				st := stampOf(fi)
				if e.st.size < 0 {
					st.size = -1
				}
				if st != e.st {
					changed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return found, !changed.Load()
}

// remember writes the evidence to file; a failure only costs the next
// run a walk.
func (e *evidence) remember(file string) {
	if e.racy {
		return
	}
	var b bytes.Buffer
	for _, f := range e.found {
		b.WriteByte("01"[btoi(f)])
	}
	b.WriteByte('\n')
	for rel, st := range e.paths {
		fmt.Fprintf(&b, "%d %d %d %s\n", st.size, st.mtime, st.ino, strconv.Quote(rel))
	}
	if os.MkdirAll(filepath.Dir(file), 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".evidence-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b.Bytes())
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), file) != nil {
		os.Remove(tmp.Name())
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func newEvidence(n int) *evidence {
	return &evidence{found: make([]bool, n), paths: map[string]stamp{}, since: time.Now().Add(-time.Second).UnixNano()}
}
