// Package limits bounds what gazr reads and parses from a repository
// (.gazr.toml, compose files, Taskfiles): the file must be a regular file
// under MaxFileSize, and its nesting must stay under
// MaxDepth. Both are checked on the bytes, before a decoder sees them:
// some decoders (BurntSushi/toml's on nested inline tables) take time and
// memory far out of proportion to the input.
package limits

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxFileSize is the largest file gazr parses: 1 MiB. Real project files
// are a few KiB (gazr's own .gazr.toml is under 2 KiB, a large compose file
// under 50 KiB).
const MaxFileSize = 1 << 20

// MaxDepth is the deepest nesting gazr parses: tables, arrays and mappings
// inside one another. Real files nest under 10 levels.
const MaxDepth = 64

// Error is a file gazr refuses to parse. Line and Col (1-based) locate the
// problem when it has a place in the file (nesting too deep), else 0.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return e.Msg }

// ReadFile reads the file at path, refusing what is not a regular file
// (a FIFO would block the read forever, a device would never end) and what
// is larger than max bytes. A dangling symlink is an error
// naming its target, not a missing file. Errors are *Error or the
// *fs.PathError of a failed read; neither includes path.
func ReadFile(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if target, lerr := os.Readlink(path); lerr == nil {
				return nil, &Error{Msg: fmt.Sprintf("is a symbolic link to %q, which does not exist", target)}
			}
		}
		return nil, err
	}
	if err := regular(fi, max); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the file be swapped for a FIFO after the Stat,
	// the open must not wait for a writer; Fstat then sees what was opened.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regular(fi, max); err != nil {
		return nil, err
	}
	// One byte more than max tells a file that grew after the Stat.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		// It grew after the Stat: its size is unknown.
		return nil, &Error{Msg: fmt.Sprintf("is too large to parse: over %d bytes, the limit", max)}
	}
	return data, nil
}

// regular checks the mode and size of a file about to be read.
func regular(fi fs.FileInfo, max int64) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		return &Error{Msg: "is a directory, not a file"}
	case !m.IsRegular():
		return &Error{Msg: fmt.Sprintf("is not a regular file (%s); gazr reads only regular files", kind(m))}
	case fi.Size() > max:
		return tooLarge(fi.Size(), max)
	}
	return nil
}

func tooLarge(size, max int64) error {
	return &Error{Msg: fmt.Sprintf("is too large to parse: %d bytes, over the limit of %d", size, max)}
}

// kind names a non-regular file type for an error message.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return m.Type().String()
	}
}
