package fingerprint

import (
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"sync"
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
// globs' bases and the directories that can hold a match, several
// directories at a time (listing is system calls, not CPU).
func walk(root string, globs []glob) ([]fileStat, error) {
	match := func(rel string) bool { return matchAny(globs, rel) }
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
		dirs, files, err := readDir(filepath.Join(root, filepath.FromSlash(rel)), rel, match)
		if err != nil && !(errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
			mu.Lock()
			first = cmpErr(first, err)
			mu.Unlock()
			return
		}
		mu.Lock()
		out = append(out, files...)
		mu.Unlock()
		for _, d := range dirs {
			sub := join(rel, d)
			if wanted(globs, sub, d) {
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
	for _, b := range bases(globs) {
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
