package fingerprint

import (
	"strings"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*.go", "main.go", true},
		{"*.go", "pkg/a.go", false},
		{"**/*.go", "main.go", true},
		{"**/*.go", "pkg/x/a.go", true},
		{"**/*.go", "pkg/x/a.txt", false},
		{"src/**", "src/a/b/c", true},
		{"src/**", "other/a", false},
		{"src/**/*.c", "src/a.c", true},
		{"src/**/*.c", "src/x/y/a.c", true},
		{"src/**/*.c", "srcx/a.c", false},
		{"go.mod", "go.mod", true},
		{"go.mod", "sub/go.mod", false},
		{"cmd/*/main.go", "cmd/gazr/main.go", true},
		{"cmd/*/main.go", "cmd/gazr/x/main.go", false},
		{"./lib/*.py", "lib/a.py", true},
		{"**/*.{go,mod}", "go.mod", true},
		{"**/*.{go,mod}", "pkg/x/a.go", true},
		{"**/*.{go,mod}", "pkg/x/a.sum", false},
		{"{cmd,pkg}/**/*.go", "pkg/a/b.go", true},
		{"{cmd,pkg}/**/*.go", "internal/b.go", false},
		{"{cmd/gazr,docs}/*.md", "cmd/gazr/README.md", true},
		{"{cmd/gazr,docs}/*.md", "cmd/x/README.md", false},
		{"*.[!c]", "a.h", true},
		{"*.[!c]", "a.c", false},
		{"*.[^c]", "a.c", false},
	}
	for _, tt := range tests {
		g := compile([]string{tt.pattern})[0]
		if got := g.match(tt.path); got != tt.want {
			t.Errorf("%q matches %q: %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

func TestGlobWalkScope(t *testing.T) {
	tests := []struct {
		pattern, base string
		dirs          map[string]bool // dir -> may contain a match
	}{
		{"src/**/*.c", "src", map[string]bool{"src": true, "src/x/y": true}},
		{"*.go", ".", map[string]bool{".": true, "pkg": false}},
		{"cmd/*/main.go", "cmd", map[string]bool{"cmd": true, "cmd/gazr": true, "cmd/gazr/x": false, "pkg": false}},
		{"go.mod", ".", map[string]bool{"vendor": false}},
		{"{cmd,pkg}/**/*.go", ".", map[string]bool{"cmd/x": true, "pkg": true, "docs": false}},
		{"{cmd/gazr,docs}/*.md", ".", map[string]bool{"cmd/gazr": true, "internal": true}},
	}
	for _, tt := range tests {
		g := compile([]string{tt.pattern})[0]
		if got := g.base(); got != tt.base {
			t.Errorf("%q: base %q, want %q", tt.pattern, got, tt.base)
		}
		for dir, want := range tt.dirs {
			if got := g.mayContain(dir); got != want {
				t.Errorf("%q: mayContain(%q) = %v, want %v", tt.pattern, dir, got, want)
			}
		}
	}
	got := bases(compile([]string{"src/**/*.go", "src/lib/*.h", "docs/*.md", "tools/x"}))
	if want := "docs src tools"; strings.Join(got, " ") != want {
		t.Errorf("bases %q, want %q", strings.Join(got, " "), want)
	}
}
