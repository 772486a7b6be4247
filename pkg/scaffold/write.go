package scaffold

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// write creates t's files in a staging directory and moves them into place
// only once all are written: beside the target when it does not exist yet
// (one rename creates it whole), inside it when it is an existing empty
// directory (whose own mode, owner and mounts stay as they are). On any
// failure, everything created is removed: the target is left as it was.
func write(t target, files []File) (err error) {
	stageIn := filepath.Dir(t.dir)
	if t.exists {
		stageIn = t.dir
	}
	stage, err := mkdirUnique(stageIn, "."+filepath.Base(t.dir)+".gazr-new-")
	if err != nil {
		return fmt.Errorf("create %s: %w", t, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(stage)
		}
	}()
	for _, f := range files {
		if err := writeFile(stage, f); err != nil {
			return fmt.Errorf("create %s: %w", t, err)
		}
	}
	if !t.exists {
		if err := os.Rename(stage, t.dir); err != nil {
			return fmt.Errorf("create %s: %w", t, err)
		}
		return nil
	}
	return moveInto(stage, t.dir)
}

// mkdirUnique creates a new directory in dir named prefix plus random hex,
// with mode 0o755 less the umask (os.MkdirTemp's are 0o700).
func mkdirUnique(dir, prefix string) (string, error) {
	for range 10 {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		p := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		err := os.Mkdir(p, 0o755)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("no unused staging directory name in %s", dir)
}

func writeFile(root string, f File) error {
	if err := checkPath(f.Path); err != nil {
		return err
	}
	p := filepath.Join(root, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	// O_EXCL: two files with one path would otherwise overwrite.
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.Mode)
	if err != nil {
		return err
	}
	if _, err := out.Write(f.Content); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// moveInto moves stage's entries into dir, then removes stage. If a move
// fails, the entries already moved go back, so dir is empty again.
func moveInto(stage, dir string) error {
	entries, err := os.ReadDir(stage)
	if err != nil {
		return err
	}
	var moved []string
	undo := func(err error) error {
		for _, name := range moved {
			os.RemoveAll(filepath.Join(dir, name))
		}
		return fmt.Errorf("create %q: %w", dir, err)
	}
	for _, e := range entries {
		to := filepath.Join(dir, e.Name())
		// Never replace what appeared in dir meanwhile.
		if _, err := os.Lstat(to); err == nil {
			return undo(fmt.Errorf("%s appeared while gazr new was writing", to))
		}
		if err := os.Rename(filepath.Join(stage, e.Name()), to); err != nil {
			return undo(err)
		}
		moved = append(moved, e.Name())
	}
	return os.Remove(stage)
}
