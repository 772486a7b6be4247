//go:build !unix

package fingerprint

import (
	"errors"
	"io/fs"
	"os"
)

// readDir lists the directory abs (rel from the root): the names of its
// subdirectories, and the stats of the files match accepts. Without inode
// numbers, size and mtime alone decide whether a file is read again.
func readDir(abs, rel string, match func(rel string) bool) (dirs []string, files []fileStat, err error) {
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
			continue
		}
		r := join(rel, e.Name())
		if e.Type()&^fs.ModeSymlink != 0 || !match(r) {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		files = append(files, fileStat{rel: r, size: fi.Size(), mtime: fi.ModTime().UnixNano(), link: fi.Mode()&fs.ModeSymlink != 0})
	}
	return dirs, files, nil
}
