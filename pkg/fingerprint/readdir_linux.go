package fingerprint

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"sync"

	"golang.org/x/sys/unix"
)

// readDir lists the directory abs (rel from the root): the names of its
// subdirectories, and the stats of the files match accepts. It talks to
// the kernel directly (open, getdents64, fstatat relative to the open
// directory): os.Open would register each directory with the runtime's
// poller, and os.Lstat would make the kernel walk each file's full path;
// on a repository of 10,000 files those are most of the cost of a skipped
// verb.
func readDir(abs, rel string, match func(rel string) bool) (dirs []string, files []fileStat, err error) {
	fd, err := unix.Open(abs, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: abs, Err: err}
	}
	defer unix.Close(fd)
	bp := dirents.Get().(*[]byte)
	defer dirents.Put(bp)
	buf := *bp
	for {
		n, err := unix.Getdents(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, nil, &fs.PathError{Op: "readdir", Path: abs, Err: err}
		}
		if n <= 0 {
			return dirs, files, nil
		}
		for b := buf[:n]; len(b) >= 19; {
			// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				break
			}
			typ, name := b[18], cstring(b[19:reclen])
			b = b[reclen:]
			if name == "." || name == ".." {
				continue
			}
			if typ == unix.DT_UNKNOWN { // some filesystems do not say
				var st unix.Stat_t
				if unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
					continue
				}
				typ = dtype(st.Mode)
			}
			switch typ {
			case unix.DT_DIR:
				dirs = append(dirs, name)
				continue
			case unix.DT_REG, unix.DT_LNK:
			default:
				continue // devices, sockets, pipes
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
				rel: r, size: st.Size, mtime: st.Mtim.Nano(), ino: st.Ino,
				link: st.Mode&unix.S_IFMT == unix.S_IFLNK,
			})
		}
	}
}

// dirents are getdents64 buffers, reused: a fresh one per directory was
// most of the memory a walk allocated (32 KiB for ten entries).
var dirents = sync.Pool{New: func() any {
	b := make([]byte, 32*1024)
	return &b
}}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func dtype(mode uint32) uint8 {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return unix.DT_DIR
	case unix.S_IFREG:
		return unix.DT_REG
	case unix.S_IFLNK:
		return unix.DT_LNK
	}
	return unix.DT_UNKNOWN
}
