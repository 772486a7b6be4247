package scaffold

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gazr-io/gazr/pkg/config"
)

// target is where a project goes: an absolute, clean path, and whether it
// exists already (as an empty directory).
type target struct {
	dir    string
	exists bool
}

// checkTarget accepts a directory that does not exist yet (in a parent
// that does) or that is empty; anything else is an *InputError.
func checkTarget(dir string) (target, error) {
	if strings.TrimSpace(dir) == "" {
		return target{}, inputErrorf("no target directory given: gazr new <template> <dir>")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return target{}, err
	}
	fi, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return target{dir: abs}, checkParent(dir, filepath.Dir(abs))
	}
	if err != nil {
		return target{}, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if fi, err = os.Stat(abs); err != nil {
			return target{}, inputErrorf("target %q is a symlink to nothing (%v): remove it or pick another directory", dir, err)
		}
	}
	if !fi.IsDir() {
		return target{}, inputErrorf("target %q exists and is not a directory: pick a new or empty directory", dir)
	}
	empty, err := isEmpty(abs)
	if err != nil {
		return target{}, err
	}
	if !empty {
		return target{}, inputErrorf("target %q is not empty: gazr new writes only into a new or empty directory, and never overwrites", dir)
	}
	return target{dir: abs, exists: true}, nil
}

func checkParent(dir, parent string) error {
	fi, err := os.Stat(parent)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return inputErrorf("cannot create %q: its parent %s does not exist (create it first: mkdir -p %s)", dir, parent, parent)
	case err != nil:
		return err
	case !fi.IsDir():
		return inputErrorf("cannot create %q: its parent %s is not a directory", dir, parent)
	}
	return nil
}

func isEmpty(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return false, err
}

// ProjectName is the project name gazr new derives from a target
// directory: config.DefaultName of its absolute path (the base name,
// lower-cased, other characters replaced by '-'), with '.' replaced by '-'
// as well, since compose project names cannot hold one.
func ProjectName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	name := strings.TrimLeft(strings.ReplaceAll(config.DefaultName(dir), ".", "-"), "-_")
	if name == "" {
		return "project"
	}
	return name
}

// String is the target for messages.
func (t target) String() string { return fmt.Sprintf("%q", t.dir) }
