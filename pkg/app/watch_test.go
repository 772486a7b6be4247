package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

// syncBuffer is an io.Writer safe to read while runWatch writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunWatch(t *testing.T) {
	dir := writeProject(t, map[string]string{
		".gazr.toml": "image = \"alpine\"\n[verbs.test-unit]\nrun = \"true\"\ngenerates = [\"cover/**\"]\n",
		"main.go":    "package main\n",
	})
	io, _, _ := iostreams.Test()
	errOut := &syncBuffer{}
	io.ErrOut = errOut
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runs := make(chan string, 100) // a write may come as two bursts: extra runs wait here
	fail := errors.New("engine gone")
	calls := 0
	opts := &WatchOptions{IO: io, Project: loader(dir), Debounce: 50 * time.Millisecond,
		Run: func(ctx context.Context, verb string) error {
			calls++
			runs <- verb
			if calls == 2 {
				return fail // reported, and the watch goes on
			}
			return nil
		}}
	result := make(chan error, 1)
	go func() { result <- runWatch(ctx, opts) }()

	if v := <-runs; v != "test" {
		t.Fatalf("first run of %q, want test (the default: the project defines no watch)", v)
	}
	// Outputs of the verb and ignored paths do not trigger: the change
	// reported is the source file written after them.
	if err := os.MkdirAll(filepath.Join(dir, "cover"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"cover/out.html", ".git", "main.go"} {
		if p == ".git" {
			if err := os.Mkdir(filepath.Join(dir, p), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	<-runs
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	<-runs // the failed run did not stop the watch
	cancel()
	if err := <-result; !errors.Is(err, context.Canceled) {
		t.Errorf("runWatch = %v, want context.Canceled (exit 130)", err)
	}
	out := errOut.String()
	for _, want := range []string{"watching " + dir, "▶ change: main.go — re-running test\n", "gazr: engine gone\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cover/") || strings.Contains(out, ".git") {
		t.Errorf("an ignored path triggered a run:\n%s", out)
	}
}

func TestWatchedVerb(t *testing.T) {
	tests := []struct {
		name, files, verb, want, wantErr string
	}{
		{"default: test", "[verbs.test-unit]\nrun = \"true\"\n", "", "test", ""},
		{"the project's watch verb", "[verbs.watch]\nrun = \"true\"\n", "", "watch", ""},
		{"a verb asked for", "[verbs.build]\nrun = \"true\"\n", "build", "build", ""},
		{"a typo", "[verbs.build]\nrun = \"true\"\n", "biuld", "", `cannot watch "biuld": no such verb; did you mean "build"?`},
		{"a verb not defined", "[verbs.build]\nrun = \"true\"\n", "test", "", `verb "test" is not defined here`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{".gazr.toml": "image = \"alpine\"\n" + tt.files})
			got, err := watchedVerb(mustLoad(t, dir), tt.verb)
			switch {
			case tt.wantErr != "":
				var undef *plan.NotDefinedError
				var usage *UsageError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !(errors.As(err, &undef) || errors.As(err, &usage)) {
					t.Errorf("err = %v, want a usage error %q", err, tt.wantErr)
				}
			case err != nil || got != tt.want:
				t.Errorf("watchedVerb = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestRunWatchUsage(t *testing.T) {
	for _, args := range [][]string{{"watch", "a", "b"}, {"watch", "--debounce", "0s"}} {
		err, _, _ := run(t, append([]string{"-C", t.TempDir()}, args...)...)
		var usage *UsageError
		if !errors.As(err, &usage) {
			t.Errorf("gazr %q: err = %v, want a usage error", args, err)
		}
	}
}
