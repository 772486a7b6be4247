package fingerprint

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FileSum identifies a file's content. Size, MTime and Ino are a stat
// cache: when they are unchanged since the last snapshot the file is not
// read again (as git's index does); Hash is the content's SHA-256.
type FileSum struct {
	Size  int64
	MTime int64 // nanoseconds; 0 forces the next snapshot to read the file
	Ino   uint64
	Hash  string
}

// Snapshot maps the slash paths (relative to the root) of the files that
// match a set of globs to their sums.
type Snapshot map[string]FileSum

// listing is the stat of every file matching a set of globs, and a digest
// of those stats: an equal digest means no file was added, removed or
// touched, and the files need not even be compared one by one.
type listing struct {
	stats  []fileStat
	digest string
}

// scan walks root for the files matching patterns. .git is never walked
// unless a pattern starts with it.
func scan(root string, patterns []string) (listing, error) {
	if len(patterns) == 0 {
		return listing{digest: statDigest(nil)}, nil
	}
	stats, err := walk(root, compile(patterns))
	if err != nil {
		return listing{}, err
	}
	return listing{stats: stats, digest: statDigest(stats)}, nil
}

// statDigest combines the files' stats in an order-independent way (the
// walk is parallel), so that no sort is needed.
func statDigest(stats []fileStat) string {
	var sum, xor uint64
	for _, st := range stats {
		h := fnv.New64a()
		h.Write([]byte(st.rel))
		var b [8 * 3]byte
		binary.LittleEndian.PutUint64(b[0:], uint64(st.size))
		binary.LittleEndian.PutUint64(b[8:], uint64(st.mtime))
		binary.LittleEndian.PutUint64(b[16:], st.ino)
		h.Write(b[:])
		x := h.Sum64()
		sum += x
		xor ^= x * 0x9e3779b97f4a7c15
	}
	return fmt.Sprintf("%d-%016x%016x", len(stats), sum, xor)
}

// sums returns the content sums of the listed files, reusing those of prev
// for files whose size, mtime and inode are unchanged.
func (l listing) sums(root string, prev Snapshot) (Snapshot, error) {
	snap := make(Snapshot, len(l.stats))
	for _, st := range l.stats {
		sum, err := sumFile(filepath.Join(root, filepath.FromSlash(st.rel)), st, prev[st.rel])
		if err != nil {
			return nil, err
		}
		snap[st.rel] = sum
	}
	return snap, nil
}

// bases are the directories to walk: each pattern's base, without those
// inside another.
func bases(globs []glob) []string {
	var list []string
	for _, g := range globs {
		list = append(list, g.base())
	}
	sort.Strings(list)
	var out []string
	for _, b := range list {
		if len(out) > 0 {
			last := out[len(out)-1]
			if last == "." || b == last || strings.HasPrefix(b, last+"/") {
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

func wanted(globs []glob, dir, name string) bool {
	for _, g := range globs {
		if name == ".git" && !strings.HasPrefix(g.pattern, ".git/") {
			continue
		}
		if g.mayContain(dir) {
			return true
		}
	}
	return false
}

func matchAny(globs []glob, rel string) bool {
	for _, g := range globs {
		if g.match(rel) {
			return true
		}
	}
	return false
}

// sumFile returns the sum of the file at p, from prev when its stat is
// unchanged. A symlink's sum is that of its target's name.
func sumFile(p string, st fileStat, prev FileSum) (FileSum, error) {
	sum := FileSum{Size: st.size, MTime: st.mtime, Ino: st.ino}
	if prev.Hash != "" && prev.MTime != 0 && prev.Size == sum.Size && prev.MTime == sum.MTime && prev.Ino == sum.Ino {
		sum.Hash = prev.Hash
		return sum, nil
	}
	h := sha256.New()
	if st.link {
		target, err := os.Readlink(p)
		if err != nil {
			return sum, err
		}
		io.WriteString(h, "symlink:"+target)
	} else {
		f, err := os.Open(p)
		if err != nil {
			return sum, err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return sum, err
		}
	}
	sum.Hash = hex.EncodeToString(h.Sum(nil)[:16])
	return sum, nil
}
