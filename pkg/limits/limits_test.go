package limits

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	if err := os.WriteFile(at("ok"), []byte("a = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(at("big"), make([]byte, 101), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(at("dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("gone", at("dangling")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok", at("link")); err != nil {
		t.Fatal(err)
	}
	fifo := syscall.Mkfifo(at("fifo"), 0o644) == nil
	tests := []struct {
		name, want string // want: "" for a successful read
	}{
		{"ok", ""},
		{"link", ""},
		{"big", "101 bytes, over the limit of 100"},
		{"dir", "is a directory"},
		{"dangling", `is a symbolic link to "gone", which does not exist`},
		{"fifo", "is not a regular file (a named pipe)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "fifo" && !fifo {
				t.Skip("no FIFO here")
			}
			data, err := ReadFile(at(tt.name), 100)
			if tt.want == "" {
				if err != nil || string(data) != "a = 1\n" {
					t.Fatalf("ReadFile = %q, %v", data, err)
				}
				return
			}
			var le *Error
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadFile error = %v, want a *limits.Error with %q", err, tt.want)
			}
		})
	}
	if _, err := ReadFile(at("absent"), 100); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v, want os.ErrNotExist", err)
	}
}
