package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Info identifies the revision of the sources an image is built from.
type Info struct {
	// Version is the image tag: the first 12 characters of HEAD's commit
	// id, with "-dirty-<digest>" appended when the work tree differs from
	// HEAD (tracked files changed, or untracked files not ignored by git).
	// The digest (8 hex digits) covers the differences' content, so two
	// differently-dirty trees of one commit get two versions, and a
	// redeploy of either ships what it built.
	// Without git it is "dev-<UTC yyyymmddhhmmss>".
	Version string
	// Commit is HEAD's full commit id; empty when NoGit.
	Commit string
	// Branch is HEAD's branch name; empty on a detached HEAD or when NoGit.
	Branch string
	// Dirty reports uncommitted changes (see Version).
	Dirty bool
	// Time is HEAD's committer date, or the current time when NoGit.
	Time time.Time
	// NoGit is true when dir is not in a git work tree, the repository
	// has no commit yet, or git is not installed: Version is then a
	// dated development version and Reason says why.
	NoGit bool
	// Reason explains NoGit ("not a git repository", …); empty otherwise.
	Reason string
}

// Version describes the git revision of the work tree containing dir, by
// running the git CLI. A dir outside any repository, a repository without
// commits or a missing git binary is not an error (see Info.NoGit); any
// other git failure (for example git refusing a repository owned by another
// user) is, with git's message.
//
// A clean tree costs two git processes, run at once: git status (HEAD's
// commit, its branch, the changes) and git log (HEAD's date). Every
// deploy, unchanged ones included, waits for them.
func Version(ctx context.Context, dir string) (Info, error) {
	type result struct {
		out string
		err error
	}
	logged := make(chan result, 1)
	go func() {
		out, err := git(ctx, dir, "log", "-1", "--format=%ct", "HEAD")
		logged <- result{out, err}
	}()
	status, err := git(ctx, dir, "status", "--porcelain=v2", "--branch", "--untracked-files=normal")
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return noGit("git is not installed"), nil
	case err != nil && strings.Contains(err.Error(), "not a git repository"):
		return noGit("not a git repository"), nil
	case err != nil && strings.Contains(err.Error(), "must be run in a work tree"):
		return noGit("not inside a git work tree"), nil
	case err != nil:
		return Info{}, err
	}
	var info Info
	for _, line := range strings.Split(status, "\n") {
		switch {
		case strings.HasPrefix(line, "# branch.oid "):
			info.Commit = strings.TrimPrefix(line, "# branch.oid ")
		case strings.HasPrefix(line, "# branch.head "):
			info.Branch = strings.TrimPrefix(line, "# branch.head ")
		case line != "" && !strings.HasPrefix(line, "# "):
			info.Dirty = true
		}
	}
	switch {
	case info.Commit == "(initial)":
		return noGit("the git repository has no commit yet"), nil
	case info.Commit == "":
		return Info{}, fmt.Errorf("git status: no commit in its output %q", status)
	}
	if info.Branch == "(detached)" {
		info.Branch = ""
	}
	lr := <-logged
	if lr.err != nil {
		return Info{}, lr.err
	}
	if info.Time, err = commitTime(lr.out); err != nil {
		return Info{}, err
	}
	info.Version = info.Commit[:min(12, len(info.Commit))]
	if info.Dirty {
		digest, err := dirtyDigest(ctx, dir)
		if err != nil {
			return Info{}, err
		}
		info.Version += "-dirty-" + digest
	}
	return info, nil
}

// dirtyDigest hashes what makes the work tree differ from HEAD: the diff
// of tracked files (staged or not) and the names and contents of the
// untracked files git does not ignore.
func dirtyDigest(ctx context.Context, dir string) (string, error) {
	// From the top: ls-files lists only what is under its directory.
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	diff, err := git(ctx, top, "diff", "HEAD", "--binary", "--no-ext-diff", "--no-color")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	io.WriteString(h, diff)
	others, err := git(ctx, top, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return "", err
	}
	for _, name := range strings.Split(others, "\x00") {
		if name == "" {
			continue
		}
		fmt.Fprintf(h, "\x00%s\x00", name)
		if err := hashFile(h, filepath.Join(top, name)); err != nil {
			return "", fmt.Errorf("digest of the uncommitted changes: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:8], nil
}

// hashFile writes a file's content to w; a symlink's target, not what it
// points to, as git sees it.
func hashFile(w io.Writer, path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		io.WriteString(w, target)
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// noGit is the Info of sources outside git.
func noGit(reason string) Info {
	now := time.Now().UTC()
	return Info{Version: "dev-" + now.Format("20060102150405"), Time: now, NoGit: true, Reason: reason}
}

// commitTime reads HEAD's committer date from git log --format=%ct.
func commitTime(out string) (time.Time, error) {
	secs, err := strconv.ParseInt(out, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("git log: unexpected commit time %q", out)
	}
	return time.Unix(secs, 0).UTC(), nil
}

// git runs git in dir and returns its trimmed standard output. Its error
// carries git's own message.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	// Messages in English (they are matched above); no index.lock taken
	// by status, so an editor's git use never collides with ours.
	cmd.Env = append(os.Environ(), "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", err
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
		}
		return "", fmt.Errorf("git %s: %s: %w", strings.Join(args, " "), msg, err)
	}
	return strings.TrimSpace(stdout.String()), nil
}
