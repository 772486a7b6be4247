package image

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// gitEnv isolates git from the user's configuration and from any
// repository above the temporary directories.
func gitEnv(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(t.TempDir()))
	t.Setenv("GIT_AUTHOR_NAME", "t")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "t")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
	t.Setenv("GIT_COMMITTER_DATE", "2025-03-04T05:06:07Z")
}

func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// newRepo returns a repository on branch main with one commit, and that
// commit's id.
func newRepo(t *testing.T) (dir, commit string) {
	dir = t.TempDir()
	run(t, dir, "init", "-q", "-b", "main")
	makeTree(t, dir, "main.go", "sub/x.go", ".gitignore")
	os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*.log\n"), 0o644)
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "first")
	return dir, run(t, dir, "rev-parse", "HEAD")
}

func TestVersionGit(t *testing.T) {
	gitEnv(t)
	tests := []struct {
		name       string
		change     func(t *testing.T, dir string)
		sub        string // directory Version is asked about
		wantDirty  bool
		wantBranch string
	}{
		{name: "clean", wantBranch: "main"},
		{name: "from a subdirectory", sub: "sub", wantBranch: "main"},
		{name: "tracked file modified", wantDirty: true, wantBranch: "main", change: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "main.go"), []byte("changed"), 0o644)
		}},
		{name: "change staged", wantDirty: true, wantBranch: "main", change: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "main.go"), []byte("changed"), 0o644)
			run(t, dir, "add", "main.go")
		}},
		{name: "untracked file", wantDirty: true, wantBranch: "main", change: func(t *testing.T, dir string) {
			makeTree(t, dir, "new.go")
		}},
		{name: "ignored file", wantBranch: "main", change: func(t *testing.T, dir string) {
			makeTree(t, dir, "build.log")
		}},
		{name: "other branch", wantBranch: "feature/x", change: func(t *testing.T, dir string) {
			run(t, dir, "switch", "-q", "-c", "feature/x")
		}},
		{name: "detached HEAD", wantBranch: "", change: func(t *testing.T, dir string) {
			run(t, dir, "switch", "-q", "--detach")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, commit := newRepo(t)
			if tt.change != nil {
				tt.change(t, dir)
			}
			info, err := Version(context.Background(), filepath.Join(dir, tt.sub))
			if err != nil {
				t.Fatal(err)
			}
			want := Info{Version: commit[:12], Commit: commit, Branch: tt.wantBranch, Dirty: tt.wantDirty,
				Time: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}
			if tt.wantDirty {
				if !dirtyVersion.MatchString(info.Version) {
					t.Errorf("Version = %q, want %s-dirty-<8 hex>", info.Version, commit[:12])
				}
				want.Version = info.Version
			}
			if info != want {
				t.Errorf("Version() = %+v\nwant %+v", info, want)
			}
		})
	}
}

var dirtyVersion = regexp.MustCompile(`^[0-9a-f]{12}-dirty-[0-9a-f]{8}$`)

// TestVersionDirtyDigest: two differently-dirty trees of one commit have
// two versions (issue 9: the second deploy reused the first's tag and
// shipped nothing); the same changes give the same version.
func TestVersionDirtyDigest(t *testing.T) {
	gitEnv(t)
	dir, _ := newRepo(t)
	version := func() string {
		t.Helper()
		info, err := Version(context.Background(), filepath.Join(dir, "sub"))
		if err != nil {
			t.Fatal(err)
		}
		return info.Version
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.go", "change A")
	a := version()
	if again := version(); again != a {
		t.Errorf("same tree, two versions: %s then %s", a, again)
	}
	write("main.go", "change B")
	b := version()
	if a == b {
		t.Errorf("change A and change B both give version %s", a)
	}
	run(t, dir, "add", "main.go")
	if staged := version(); staged != b {
		t.Errorf("staging change B changed the version: %s then %s", b, staged)
	}
	write("new.go", "one")
	u1 := version()
	write("new.go", "two")
	if u2 := version(); u1 == u2 || u1 == b {
		t.Errorf("untracked file's content not in the version: %s, %s, %s", b, u1, u2)
	}
}

func TestVersionNoGit(t *testing.T) {
	gitEnv(t)
	emptyRepo := t.TempDir()
	run(t, emptyRepo, "init", "-q")
	tests := []struct {
		name, dir, path, reason string
	}{
		{name: "plain directory", dir: t.TempDir(), reason: "not a git repository"},
		{name: "repository without commits", dir: emptyRepo, reason: "no commit yet"},
		{name: "inside .git", dir: filepath.Join(emptyRepo, ".git"), reason: "not inside a git work tree"},
		{name: "git not installed", dir: t.TempDir(), path: t.TempDir(), reason: "git is not installed"},
	}
	devVersion := regexp.MustCompile(`^dev-\d{14}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				t.Setenv("PATH", tt.path)
			}
			before := time.Now().UTC().Truncate(time.Second)
			info, err := Version(context.Background(), tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			if !info.NoGit || !strings.Contains(info.Reason, tt.reason) || info.Commit != "" || info.Dirty {
				t.Errorf("Version() = %+v, want NoGit because %q", info, tt.reason)
			}
			if !devVersion.MatchString(info.Version) || info.Version != "dev-"+info.Time.Format("20060102150405") {
				t.Errorf("Version = %q (time %s), want dev-<UTC yyyymmddhhmmss of Time>", info.Version, info.Time)
			}
			if info.Time.Before(before) || info.Time.Location() != time.UTC {
				t.Errorf("Time = %s, want the current time in UTC", info.Time)
			}
		})
	}
}

func TestVersionMissingDir(t *testing.T) {
	gitEnv(t)
	_, err := Version(context.Background(), filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "cannot change to") {
		t.Fatalf("Version(missing dir) error = %v, want git's message", err)
	}
}
