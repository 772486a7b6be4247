//go:build unix && !linux

package fingerprint

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// readDir lists the directory abs (rel from the root): the names of its
// subdirectories, and the stats of the files match accepts. Files are
// stat'ed relative to the open directory (fstatat), which spares the
// kernel a path walk per file: on a repository of 10,000 files that is
// most of the cost of a skipped verb.
func readDir(abs, rel string, match func(rel string) bool) (dirs []string, files []fileStat, err error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, nil, err
	}
	fd := int(f.Fd())
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			dirs = append(dirs, name)
			continue
		}
		if e.Type()&^(fs.ModeSymlink) != 0 { // devices, sockets, pipes
			continue
		}
		r := join(rel, name)
		if !match(r) {
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue // removed while listing
			}
			return nil, nil, &fs.PathError{Op: "stat", Path: abs + "/" + name, Err: err}
		}
		files = append(files, fileStat{
			rel: r, size: st.Size, mtime: st.Mtim.Nano(), ino: uint64(st.Ino),
			link: st.Mode&unix.S_IFMT == unix.S_IFLNK,
		})
	}
	return dirs, files, nil
}
