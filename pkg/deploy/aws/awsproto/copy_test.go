package awsproto

import (
	"os"
	"strings"
	"testing"
)

// helperCopy is the gazr-aws helper's copy of proto.go (cmd/gazr-aws is a
// module of its own, which cannot import this package).
const helperCopy = "../../../../cmd/gazr-aws/proto.go"

// TestHelperCopy: the helper's proto.go is this file with `package main`
// as its package clause, and nothing else changed.
func TestHelperCopy(t *testing.T) {
	orig, err := os.ReadFile("proto.go")
	if err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile(helperCopy)
	if err != nil {
		t.Fatalf("the helper's copy: %v", err)
	}
	want := strings.Split(string(orig), "\n")
	got := strings.Split(string(copied), "\n")
	for i := range max(len(want), len(got)) {
		w, g := line(want, i), line(got, i)
		if w == "package awsproto" && g == "package main" {
			continue
		}
		if w != g {
			t.Fatalf("%s:%d differs from proto.go:%d beyond the package clause:\n got: %q\nwant: %q\n"+
				"copy proto.go there again, with package main", helperCopy, i+1, i+1, g, w)
		}
	}
	if !strings.Contains(string(copied), "\npackage main\n") {
		t.Errorf("%s has no `package main` clause", helperCopy)
	}
}

func line(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of file>"
}
