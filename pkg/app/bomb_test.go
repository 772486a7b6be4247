package app

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/iostreams"
)

// TestConfigBombs runs `gazr list` on .gazr.toml files that once hung gazr
// or ate the machine (a 396 KB file of nested inline tables took 20.6 GB
// and 25 minutes), and on files that are not files. Each must be one
// located line and exit 2; the time and memory each took are logged
// (go test -v -run ConfigBombs), since timing goals are not asserted.
func TestConfigBombs(t *testing.T) {
	nested := func(open, close string, n int) string {
		return "a = " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n"
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
		want  string // in the error line, after the path
	}{
		{"nested inline tables", write(nested("{b = ", "}", 8000)), ":1:"},
		{"nested arrays", write(nested("[", "]", 100000)), ":1:"},
		{"dotted table header", write("[" + strings.Repeat("a.", 5000) + "b]\n"), ":1:"},
		{"huge file", write(strings.Repeat("# padding padding padding padding\n", 64<<10)), "too large"},
		{"empty", write(""), "is empty"},
		{"only a UTF-8 byte-order mark", write("\xef\xbb\xbf\n"), "is empty"},
		{"only a UTF-16 byte-order mark", write("\xff\xfe"), "is empty"},
		{"directory", func(t *testing.T, p string) { mkdir(t, p) }, "is a directory"},
		{"FIFO", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFO here:", err)
			}
		}, "named pipe"},
		{"dangling symlink", func(t *testing.T, p string) {
			if err := os.Symlink("gone.toml", p); err != nil {
				t.Fatal(err)
			}
		}, `symbolic link to "gone.toml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ".gazr.toml")
			tt.setup(t, path)
			io, out, errOut := iostreams.Test()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			code := exitCode(io, Run(context.Background(), io, []string{"gazr", "-C", dir, "list"}), nil)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			t.Logf("%s: exit %d in %v, %.1f MB allocated", tt.name, code, took, float64(after.TotalAlloc-before.TotalAlloc)/1e6)
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d; stderr %q", code, ExitUsage, errOut)
			}
			line := errOut.String()
			if strings.Count(line, "\n") != 1 || !strings.HasPrefix(line, "gazr: "+path) || !strings.Contains(line, tt.want) {
				t.Errorf("stderr = %q, want one line naming %s with %q", line, path, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

func write(content string) func(*testing.T, string) {
	return func(t *testing.T, p string) {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mkdir(t *testing.T, p string) {
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
}
