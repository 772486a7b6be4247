// Package onboard holds the pieces of `gazr init` below the command line:
// the project's .env, what its verbs and services need from the engine
// (images, caches, services, ports), getting the images, and the
// .gazr.toml written from a convention.
package onboard

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvFile is the file compose and the project's tools read their local
// settings from; EnvSources are the committed templates it is created
// from, in order of preference.
const EnvFile = ".env"

// EnvSources are the templates of EnvFile, in order of preference.
var EnvSources = []string{".env.example", ".env.dist"}

// EnvResult says what CreateEnv found or did.
type EnvResult struct {
	// Exists: EnvFile was already there and was left alone.
	Exists bool
	// From is the template EnvFile was (or, on a dry run, would be)
	// created from; empty when there is none.
	From string
}

// CreateEnv creates root/.env as a copy of the first of EnvSources that is
// a regular file, only when .env does not exist. An existing .env — a
// file, a symlink even dangling, anything — is never read, written or
// touched, and the new one is created exclusively, so that a .env
// appearing meanwhile is not overwritten either. The copy's mode is the
// template's, limited to 0600: .env usually holds secrets. With dryRun,
// nothing is written.
func CreateEnv(root string, dryRun bool) (EnvResult, error) {
	dst := filepath.Join(root, EnvFile)
	if _, err := os.Lstat(dst); err == nil {
		return EnvResult{Exists: true}, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return EnvResult{}, fmt.Errorf("%s: %w", dst, err)
	}
	src, fi, err := envSource(root)
	if err != nil || src == "" {
		return EnvResult{}, err
	}
	res := EnvResult{From: filepath.Base(src)}
	if dryRun {
		return res, nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return EnvResult{}, fmt.Errorf("read %s: %w", src, err)
	}
	mode := fi.Mode().Perm() & 0o600
	if mode == 0 {
		mode = 0o600
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return EnvResult{Exists: true}, nil
	}
	if err != nil {
		return EnvResult{}, fmt.Errorf("create %s: %w", dst, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(dst)
		return EnvResult{}, fmt.Errorf("write %s: %w", dst, err)
	}
	return res, nil
}

// envSource returns the first template that is a regular file, "" for none.
func envSource(root string) (string, fs.FileInfo, error) {
	for _, name := range EnvSources {
		p := filepath.Join(root, name)
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			if err := insideRoot(root, p); err != nil {
				return "", nil, err
			}
			return p, fi, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return "", nil, nil
}

// insideRoot refuses a template that is a symbolic link leading out of the
// project: gazr init would copy a file of the machine (a key, another
// project's secrets) into .env on a repository's say-so.
func insideRoot(root, p string) error {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("%s: %w", root, err)
	}
	if rel, err := filepath.Rel(realRoot, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s leads to %s, outside the project: gazr init copies only the project's own files; copy it to %s yourself if that is intended", p, real, EnvFile)
	}
	return nil
}
