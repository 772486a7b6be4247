package iostreams

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestPrefixed(t *testing.T) {
	var out bytes.Buffer
	var l Lines
	w := l.Prefixed(&out, "build | ")
	fmt.Fprint(w, "one\ntw")
	fmt.Fprint(w, "o\nthree\n\nfour")
	if got, want := out.String(), "build | one\nbuild | two\nbuild | three\nbuild | \n"; got != want {
		t.Errorf("before Close: %q, want %q", got, want)
	}
	w.Close()
	if got, want := out.String(), "build | one\nbuild | two\nbuild | three\nbuild | \nbuild | four\n"; got != want {
		t.Errorf("after Close: %q, want %q", got, want)
	}
}

// Lines from parallel writers never interleave within a line.
func TestPrefixedParallel(t *testing.T) {
	var out bytes.Buffer
	var l Lines
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := l.Prefixed(&out, name+" | ")
			for i := range 200 {
				fmt.Fprintf(w, "%s-line-%d", name, i)
				fmt.Fprint(w, "-end\n")
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 600 {
		t.Fatalf("%d lines, want 600", len(lines))
	}
	for _, line := range lines {
		name, rest, _ := strings.Cut(line, " | ")
		if !strings.HasPrefix(rest, name+"-line-") || !strings.HasSuffix(rest, "-end") {
			t.Fatalf("mixed line %q", line)
		}
	}
}
