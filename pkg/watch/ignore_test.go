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
