package watch

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIgnore(t *testing.T) {
	tests := []struct {
		name      string
		gitignore string
		extra     []string
		path      string
		dir       bool
		want      bool
	}{
		{"plain source", "", nil, "main.go", false, false},
		{"nested source", "", nil, "pkg/app/app.go", false, false},
		{".git itself", "", nil, ".git", true, true},
		{"inside .git", "", nil, ".git/index", false, true},
		{"node_modules at any depth", "", nil, "web/node_modules/x/index.js", false, true},
		{"a file named like a dir-only default", "", nil, "docs/node_modules", false, false},
		{"go-task's state", "", nil, ".task/checksum/gen", false, true},
		{"editor swap file", "", nil, "pkg/.main.go.swp", false, true},
		{"vim's write test", "", nil, "pkg/4913", false, true},
		{"gitignore: unanchored name", "*.log\n", nil, "logs/today.log", false, true},
		{"gitignore: anchored", "/build\n", nil, "build/out", false, true},
		{"gitignore: anchored, not deeper", "/build\n", nil, "src/build/out", false, false},
		{"gitignore: with a slash, anchored", "docs/gen\n", nil, "docs/gen/a.html", false, true},
		{"gitignore: dir only ignores the dir", "out/\n", nil, "out", true, true},
		{"gitignore: dir only skips a file", "out/\n", nil, "out", false, false},
		{"gitignore: double star", "**/tmp/**\n", nil, "a/b/tmp/c/d", false, true},
		{"gitignore: negation", "*.log\n!keep.log\n", nil, "keep.log", false, false},
		{"gitignore: comments and blanks", "# *.go\n\n", nil, "main.go", false, false},
		{"gitignore: CRLF", "*.log\r\n", nil, "x.log", false, true},
		{"generates glob", "", []string{"dist/**"}, "dist/app", false, true},
		{"generates glob: the dir itself", "", []string{"dist/**"}, "dist", true, true},
		{"generates glob is anchored", "", []string{"*.pb.go"}, "api/x.pb.go", false, false},
		{"generates glob with **", "", []string{"**/*.pb.go"}, "api/x.pb.go", false, true},
		{"root", "", nil, ".", true, false},
		{"gitignore: negated class ignores the others", "*.[!c]\n", nil, "src/a.h", false, true},
		{"gitignore: negated class keeps its own", "*.[!c]\n", nil, "src/a.c", false, false},
		{"gitignore: caret class", "*.[^c]\n", nil, "a.c", false, false},
		{"gitignore: braces are plain characters", "*.{go,mod}\n", nil, "main.go", false, false},
		{"gitignore: braces match themselves", "*.{go,mod}\n", nil, "x.{go,mod}", false, true},
		{"gitignore: escaped star", "\\*.txt\n", nil, "a.txt", false, false},
		{"gitignore: escaped trailing space", "a\\ \n", nil, "a ", false, true},
		{"gitignore: re-include inside an ignored dir fails", "out/\n!out/keep\n", nil, "out/keep", false, true},
		{"generates glob with braces", "", []string{"gen/*.{pb,gw}.go"}, "gen/x.pb.go", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.gitignore != "" {
				if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte(tt.gitignore), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ig, err := NewIgnore(root, tt.extra)
			if err != nil {
				t.Fatal(err)
			}
			if got := ig.Match(tt.path, tt.dir); got != tt.want {
				t.Errorf("Match(%q, dir=%v) = %v, want %v", tt.path, tt.dir, got, tt.want)
			}
		})
	}
}

func TestIgnoreUnreadableGitignore(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".gitignore"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := NewIgnore(root, nil); err == nil {
		t.Error("NewIgnore with a .gitignore that cannot be read: no error")
	}
}

// TestIgnoreNested: a .gitignore applies below its own directory, a
// deeper one overrides a shallower one, and one inside an ignored
// directory is not read.
func TestIgnoreNested(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		".gitignore":            "*.log\n/dist/\n",
		"web/.gitignore":        "/build\ncache\n!keep.log\n",
		"web/sub/.gitignore":    "*.tmp\n",
		"dist/.gitignore":       "!*.log\n",
		"other/build/.gitkeep":  "",
		"web/sub/deep/.gitkeep": "",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ig, err := NewIgnore(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		dir  bool
		want bool
	}{
		{"a.log", false, true},
		{"web/build", true, true},    // anchored at web/
		{"web/x/build", true, false}, // … not deeper
		{"build", true, false},       // … nor above
		{"other/build", true, false},
		{"web/sub/deep/cache", true, true}, // unanchored: any depth below web/
		{"cache", true, false},             // … not outside web/
		{"web/keep.log", false, false},     // web/ re-includes it
		{"web/sub/keep.log", false, false},
		{"other/keep.log", false, true}, // the root's rule still holds elsewhere
		{"web/sub/deep/x.tmp", false, true},
		{"web/x.tmp", false, false},
		{"dist/a.log", false, true}, // dist/ is ignored: its .gitignore is not read
	}
	for _, tt := range tests {
		if got := ig.Match(tt.path, tt.dir); got != tt.want {
			t.Errorf("Match(%q, dir=%v) = %v, want %v", tt.path, tt.dir, got, tt.want)
		}
	}
}
