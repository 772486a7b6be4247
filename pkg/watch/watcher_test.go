package watch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// next returns the next event, failing after a generous bound (the
// kernel delivers inotify events at once; the bound only avoids a hang).
func next(t *testing.T, w *Watcher) string {
	t.Helper()
	select {
	case p, ok := <-w.Events:
		if !ok {
			t.Fatal("events closed")
		}
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return ""
}

// skipTo returns once want arrives; events in ignored paths must not come
// before it (inotify keeps their order).
func skipTo(t *testing.T, w *Watcher, want string, forbidden ...string) {
	t.Helper()
	for {
		p := next(t, w)
		for _, f := range forbidden {
			if p == f {
				t.Fatalf("event for ignored %s", p)
			}
		}
		if p == want {
			return
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWatcher(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"pkg", ".git", "node_modules/lib"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(root, ".gitignore"), "*.log\n")
	ig, err := NewIgnore(root, []string{"out/**"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(root, ig)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()

	write(t, filepath.Join(root, "pkg", "a.go"), "package a\n")
	skipTo(t, w, "pkg/a.go")

	// Ignored paths make no event: the next one is the file after them.
	write(t, filepath.Join(root, ".git", "index"), "x")
	write(t, filepath.Join(root, "node_modules", "lib", "x.js"), "x")
	write(t, filepath.Join(root, "debug.log"), "x")
	if err := os.MkdirAll(filepath.Join(root, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "main.go"), "package main\n")
	skipTo(t, w, "main.go", ".git/index", "node_modules/lib/x.js", "debug.log", "out")

	// A new directory is watched as it appears.
	if err := os.MkdirAll(filepath.Join(root, "cmd", "tool"), 0o755); err != nil {
		t.Fatal(err)
	}
	skipTo(t, w, "cmd")
	// The nested directory may have been created before cmd's watch:
	// wait until it is watched by writing to it until an event comes.
	deadline := time.Now().Add(10 * time.Second)
	for got := false; !got; {
		write(t, filepath.Join(root, "cmd", "tool", "main.go"), "package main\n")
		select {
		case p := <-w.Events:
			got = p == "cmd/tool/main.go"
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no event from a new nested directory")
		}
	}

	cancel()
	<-done
	for range w.Events { // Events ends closed
	}
}
