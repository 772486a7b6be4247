package compose

import (
	"errors"
	"io/fs"
	"os"

	"github.com/gazr-io/gazr/pkg/limits"
)

// checkFiles refuses, before compose-go reads them, compose files it
// should not decode: not regular files, over limits.MaxFileSize, nesting
// deeper than limits.MaxDepth, or with more than limits.MaxAliases
// aliases. A .env file is held to the size bound. compose-go reads the
// files again; the check only bounds what it is given.
func checkFiles(files []string, dotEnv string) error {
	for _, f := range files {
		data, err := limits.ReadFile(f, limits.MaxFileSize)
		if err == nil {
			err = limits.YAMLDepth(data, limits.MaxDepth)
		}
		if err != nil {
			return limitError(f, err)
		}
	}
	if _, err := os.Lstat(dotEnv); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := limits.ReadFile(dotEnv, limits.MaxFileSize); err != nil {
		return limitError(dotEnv, err)
	}
	return nil
}

// limitError locates a refusal of limits in file f.
func limitError(f string, err error) *Error {
	var le *limits.Error
	if errors.As(err, &le) {
		return &Error{Path: f, Line: le.Line, Msg: le.Msg, cause: err}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &Error{Path: f, Msg: "cannot read: " + err.Error(), cause: err}
}
