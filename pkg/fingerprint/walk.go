package fingerprint

import (
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
)

// fileStat is what the walk learns of a matching file.
type fileStat struct {
	rel   string
	size  int64
	mtime int64
	ino   uint64
	link  bool
}

// walk lists the files under root that match globs, walking only the
// globs' bases and the directories that can hold a match.
func walk(root string, globs []glob) ([]fileStat, error) {
	t := tree{
		root:    root,
		match:   func(rel string) bool { return matchAny(globs, rel) },
		descend: func(rel, name string) bool { return wanted(globs, rel, name) },
	}
	return t.walk(bases(globs))
}

// Files calls file with the slash path (relative to root) of every
// regular file and symlink under root, in the directories descend accepts
// (by their slash path and name; root itself is always walked). Several directories are listed
// at a time, so file must be safe for concurrent use; once it returns
// true the walk stops soon after. Unreadable directories are passed over:
// Files serves searches for evidence, where they hold none.
func Files(root string, descend func(rel, name string) bool, file func(rel string) (stop bool)) {
	var stop atomic.Bool
	t := tree{
		root: root,
		stop: &stop,
		match: func(rel string) bool {
			if !stop.Load() && file(rel) {
				stop.Store(true)
			}
			return false // no stat: only names are wanted
		},
		descend: func(rel, name string) bool { return !stop.Load() && descend(rel, name) },
		lenient: true,
	}
	t.walk([]string{"."})
}

// tree is a walk of the directories under root, several at a time
// (listing is system calls, not CPU).
type tree struct {
	root string
	// match selects the files to stat; descend the directories to list.
	match   func(rel string) bool
	descend func(rel, name string) bool
	// stop, when set, ends the walk early.
	stop *atomic.Bool
	// lenient passes over unreadable directories instead of failing.
	lenient bool
}

func (t *tree) walk(bases []string) ([]fileStat, error) {
	var (
		mu      sync.Mutex
		out     []fileStat
		first   error
		pending sync.WaitGroup
	)
	queue := make(chan string, 1024)
	var visit func(rel string)
	visit = func(rel string) {
		defer pending.Done()
		if t.stop != nil && t.stop.Load() {
			return
		}
		dirs, files, err := readDir(filepath.Join(t.root, filepath.FromSlash(rel)), rel, t.match)
		if err != nil && !t.lenient && !(errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
			mu.Lock()
			first = cmpErr(first, err)
			mu.Unlock()
			return
		}
		if len(files) > 0 {
			mu.Lock()
			out = append(out, files...)
			mu.Unlock()
		}
		for _, d := range dirs {
			sub := join(rel, d)
			if t.descend(sub, d) {
				pending.Add(1)
				select {
				case queue <- sub:
				default:
					visit(sub) // queue full: list it here
				}
			}
		}
	}
	workers := max(4, 2*runtime.GOMAXPROCS(0))
	var done sync.WaitGroup
	for range workers {
		done.Add(1)
		go func() {
			defer done.Done()
			for rel := range queue {
				visit(rel)
			}
		}()
	}
	for _, b := range bases {
		pending.Add(1)
		queue <- b
	}
	pending.Wait()
	close(queue)
	done.Wait()
	return out, first
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// join appends a name to a slash path relative to the root.
func join(rel, name string) string {
	if rel == "." {
		return name
	}
	return rel + "/" + name
}
