package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/fsnotify/fsnotify"
)

// Watcher reports changes under a project root: every directory not
// ignored is watched, and directories that appear later are added as
// they do.
type Watcher struct {
	root   string
	ignore *Ignore
	fs     *fsnotify.Watcher
	// Events carries changed paths, slash-separated and relative to the
	// root; it is closed when Run returns.
	Events chan string
	// Warn receives problems that do not stop the watch (a directory that
	// vanished before it could be added, an event queue overflow).
	Warn func(error)
}

// New watches root (recursively) with the given rules.
func New(root string, ignore *Ignore) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &Watcher{root: root, ignore: ignore, fs: fw, Events: make(chan string, 64), Warn: func(error) {}}
	if err := w.addTree(root); err != nil {
		fw.Close()
		return nil, err
	}
	return w, nil
}

// Run delivers events until ctx is done, then closes Events and the
// underlying watcher.
func (w *Watcher) Run(ctx context.Context) {
	defer close(w.Events)
	defer w.fs.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.handle(ctx, ev)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.Warn(err)
		}
	}
}

func (w *Watcher) handle(ctx context.Context, ev fsnotify.Event) {
	rel, err := filepath.Rel(w.root, ev.Name)
	if err != nil || rel == "." {
		return
	}
	rel = filepath.ToSlash(rel)
	fi, statErr := os.Lstat(ev.Name)
	isDir := statErr == nil && fi.IsDir()
	if w.ignore.Match(rel, isDir) {
		return
	}
	if ev.Has(fsnotify.Create) && isDir {
		// Files may have been created in it before its watch was added:
		// the directory's own event stands for them.
		if err := w.addTree(ev.Name); err != nil {
			w.Warn(err)
		}
	}
	select {
	case w.Events <- rel:
	case <-ctx.Done():
	}
}

// addTree watches dir and every directory under it that is not ignored.
func (w *Watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil // gone meanwhile
			}
			return fmt.Errorf("watch: %w", err)
		}
		if !d.IsDir() {
			return nil
		}
		if rel, _ := filepath.Rel(w.root, p); p != w.root && w.ignore.Match(filepath.ToSlash(rel), true) {
			return filepath.SkipDir
		}
		if err := w.fs.Add(p); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return fmt.Errorf("watch %s: the system's limit of watched directories is reached; raise fs.inotify.max_user_watches or ignore directories in .gitignore", p)
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("watch %s: %w", p, err)
		}
		return nil
	})
}
