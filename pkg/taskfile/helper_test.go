package taskfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHelperNames(t *testing.T) {
	tests := []struct{ goos, goarch, want string }{
		{"linux", "amd64", "gazr-task gazr-task-linux-amd64"},
		{"darwin", "arm64", "gazr-task-linux-arm64"},
		{"windows", "amd64", "gazr-task-linux-amd64"},
	}
	for _, tt := range tests {
		if got := strings.Join(HelperNames(tt.goos, tt.goarch), " "); got != tt.want {
			t.Errorf("HelperNames(%s, %s) = %s, want %s", tt.goos, tt.goarch, got, tt.want)
		}
	}
}

func TestFindBeside(t *testing.T) {
	dir := t.TempDir()
	names := []string{"gazr-task", "gazr-task-linux-amd64"}
	_, err := findBeside(dir, names)
	var he *HelperError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want a *HelperError", err)
	}
	for _, n := range names {
		if !strings.Contains(err.Error(), filepath.Join(dir, n)) {
			t.Errorf("error %q does not say it looked for %s", err, n)
		}
	}
	if !strings.Contains(err.Error(), HelperInstall) {
		t.Errorf("error %q does not say how to install it", err)
	}
	// The archive name alone is found.
	p := filepath.Join(dir, "gazr-task-linux-amd64")
	if err := os.WriteFile(p, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findBeside(dir, names); err != nil || got != p {
		t.Errorf("findBeside = %q, %v; want %q", got, err, p)
	}
}

func TestFindHelperEnv(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "helper")
	if err := os.WriteFile(p, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	t.Setenv(HelperEnv, link)
	if got, err := FindHelper(); err != nil || got != p {
		t.Errorf("FindHelper = %q, %v; want the link resolved to %q", got, err, p)
	}
	t.Setenv(HelperEnv, filepath.Join(dir, "missing"))
	_, err := FindHelper()
	if err == nil || !strings.Contains(err.Error(), HelperEnv+`="`+filepath.Join(dir, "missing")+`" is not usable`) {
		t.Errorf("FindHelper with a missing file: %v", err)
	}
	t.Setenv(HelperEnv, dir)
	if _, err := FindHelper(); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("FindHelper with a directory: %v", err)
	}
}
