package iostreams

import (
	"bytes"
	"io"
	"sync"
	"testing"
	"time"
)

// TestInputShared: what one Copy takes is gone, what it did not take goes
// to the next Copy, and after EOF every Copy ends at once, saying so.
func TestInputShared(t *testing.T) {
	pr, pw := io.Pipe()
	in := NewInput(pr)

	first := &lockedBuffer{}
	stop := make(chan struct{})
	done := make(chan bool)
	go func() { done <- in.Copy(first, stop) }()
	if _, err := pw.Write([]byte("one\n")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return first.String() == "one\n" })
	close(stop)
	if eof := <-done; eof {
		t.Error("first Copy, stopped: returned true, want false (input not ended)")
	}

	// Written while no step runs: kept for the next one.
	go func() { _, _ = pw.Write([]byte("two\n")); pw.Close() }()
	var second bytes.Buffer
	if eof := in.Copy(&second, make(chan struct{})); !eof {
		t.Error("second Copy: returned false, want true (input ended)")
	}
	if first.String() != "one\n" || second.String() != "two\n" {
		t.Errorf("copies got %q and %q, want %q and %q", first.String(), second.String(), "one\n", "two\n")
	}
	var third bytes.Buffer
	if eof := in.Copy(&third, make(chan struct{})); !eof || third.Len() != 0 {
		t.Errorf("Copy after EOF = %v with %q, want true and nothing", eof, third.String())
	}
}

// TestInputWriteFails: a step whose stdin is gone ends its Copy.
func TestInputWriteFails(t *testing.T) {
	in := NewInput(bytes.NewReader([]byte("data")))
	if in.Copy(failWriter{}, make(chan struct{})) {
		t.Error("Copy to a failing writer = true, want false")
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
