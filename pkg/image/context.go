package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// Context returns the build context rooted at dir as a tar stream, the way
// the docker CLI sends it: files matched by dir/.dockerignore (Docker's
// syntax: comments, "!" exceptions, "**", a leading "/" ignored) are left
// out, but the Dockerfile and .dockerignore always go in. Entries keep
// their mode and modification time; symbolic links stay links (never
// followed); ownership is 0:0 with no user or group names; sockets are
// skipped.
//
// dir may be a symbolic link to the context. dockerfile is relative to dir
// ("" means "Dockerfile"); one outside dir, or missing, is an error, as is
// a malformed .dockerignore. The archive is written while it is read
// (nothing is buffered); a file that cannot be read fails the stream.
// Closing the reader stops the writer.
func Context(dir, dockerfile string) (io.ReadCloser, error) {
	rel, err := dockerfilePath(dir, dockerfile)
	if err != nil {
		return nil, err
	}
	// The walk does not follow links, the root included.
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	pm, err := ignoreMatcher(dir, rel)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := writeTree(tw, dir, pm)
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}

// dockerfilePath returns the Dockerfile's slash-separated path relative to
// dir, having checked that it is a file inside dir.
func dockerfilePath(dir, dockerfile string) (string, error) {
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	rel := filepath.Clean(filepath.FromSlash(dockerfile))
	if filepath.IsAbs(dockerfile) {
		var err error
		if rel, err = filepath.Rel(dir, dockerfile); err != nil {
			return "", fmt.Errorf("dockerfile %s: %w", dockerfile, err)
		}
	}
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("dockerfile %s is outside the build context %s: move it into the context or build from a parent directory", dockerfile, dir)
	}
	fi, err := os.Stat(filepath.Join(dir, rel))
	if err != nil {
		return "", fmt.Errorf("dockerfile: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("dockerfile %s is not a regular file", filepath.Join(dir, rel))
	}
	return filepath.ToSlash(rel), nil
}

// ignoreMatcher reads dir/.dockerignore, adding exceptions that keep the
// Dockerfile and .dockerignore in the context (the engine needs the former;
// the docker CLI sends both).
func ignoreMatcher(dir, dockerfile string) (*patternmatcher.PatternMatcher, error) {
	name := filepath.Join(dir, ".dockerignore")
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return patternmatcher.New(nil)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(patterns) > 0 {
		patterns = append(patterns, "!.dockerignore", "!"+dockerfile)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return pm, nil
}

// writeTree walks dir in lexical order and writes the entries pm does not
// exclude.
func writeTree(tw *tar.Writer, dir string, pm *patternmatcher.PatternMatcher) error {
	parents := map[string]patternmatcher.MatchInfo{}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		excluded, info, err := pm.MatchesUsingParentResults(rel, parents[path.Dir(rel)])
		if err != nil {
			return err
		}
		if d.IsDir() {
			parents[rel] = info
		}
		if excluded {
			if d.IsDir() && !exceptionBelow(pm, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		return writeEntry(tw, p, rel, d)
	})
}

// exceptionBelow reports whether an exception pattern ("!…") may match
// something under the excluded directory dir, which must then be walked.
// Unlike the docker CLI, which only looks for exceptions spelled with dir as
// a literal prefix, it also honours wildcards ("!*/keep", "!**/keep").
func exceptionBelow(pm *patternmatcher.PatternMatcher, dir string) bool {
	if !pm.Exclusions() {
		return false
	}
	dirParts := strings.Split(dir, "/")
	for _, p := range pm.Patterns() {
		if p.Exclusion() && prefixMayMatch(strings.Split(p.String(), "/"), dirParts) {
			return true
		}
	}
	return false
}

// prefixMayMatch reports whether the pattern's components could match dir's
// components and then something below them.
func prefixMayMatch(pattern, dir []string) bool {
	for i, d := range dir {
		if i >= len(pattern) {
			return true
		}
		if strings.Contains(pattern[i], "**") {
			return true
		}
		if ok, err := path.Match(pattern[i], d); err != nil || !ok {
			return err != nil // a malformed component: walk, to be safe
		}
	}
	return true
}

// writeEntry writes one file, directory or link as a tar entry.
func writeEntry(tw *tar.Writer, p, rel string, d fs.DirEntry) error {
	if d.Type()&fs.ModeSocket != 0 {
		return nil
	}
	fi, err := d.Info()
	if err != nil {
		return err
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(p); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	hdr.Name = rel
	if fi.IsDir() {
		hdr.Name += "/"
	}
	hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
	hdr.ModTime = hdr.ModTime.Truncate(time.Second)
	hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
	hdr.Format = tar.FormatPAX
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	// A file that changed size since the walk fails the copy (tar wants
	// exactly hdr.Size bytes) rather than producing a corrupt archive.
	if _, err := io.CopyN(tw, f, hdr.Size); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}
