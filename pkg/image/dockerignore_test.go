package image

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// makeTree creates entries under dir: "d/" is a directory, "l -> t" a
// symbolic link to t, anything else a file whose content is its name.
func makeTree(t *testing.T, dir string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		p := filepath.Join(dir, strings.Fields(e)[0])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch name, target, isLink := strings.Cut(e, " -> "); {
		case isLink:
			err = os.Symlink(target, filepath.Join(dir, name))
		case strings.HasSuffix(e, "/"):
			err = os.MkdirAll(p, 0o755)
		default:
			err = os.WriteFile(p, []byte(e), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// readTar reads a whole archive.
func readTar(t *testing.T, r io.Reader) (names []string, hdrs map[string]*tar.Header, data map[string]string) {
	t.Helper()
	hdrs, data = map[string]*tar.Header{}, map[string]string{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names, hdrs, data
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		hdrs[h.Name], data[h.Name] = h, string(b)
	}
}

func TestContextDockerignore(t *testing.T) {
	tree := []string{"Dockerfile", "main.go", "README.md", "build/out.bin", "docs/a.md", "docs/keep.md",
		"src/app/x.go", "src/app/x_test.go", "vendor/m/keep", "vendor/m/drop", "node_modules/p/index.js"}
	tests := []struct {
		name       string
		ignore     string // .dockerignore content; "-" for none
		dockerfile string
		want       []string
	}{
		{name: "no dockerignore", ignore: "-", want: []string{"Dockerfile", "README.md", "build/", "build/out.bin",
			"docs/", "docs/a.md", "docs/keep.md", "main.go", "node_modules/", "node_modules/p/", "node_modules/p/index.js",
			"src/", "src/app/", "src/app/x.go", "src/app/x_test.go", "vendor/", "vendor/m/", "vendor/m/drop", "vendor/m/keep"}},
		{name: "directories and comments", ignore: "# generated\nbuild\nnode_modules\n/vendor\nsrc\ndocs\n",
			want: []string{".dockerignore", "Dockerfile", "README.md", "main.go"}},
		{name: "exception inside excluded directory", ignore: "docs\n!docs/keep.md\nbuild\nnode_modules\nvendor\nsrc",
			want: []string{".dockerignore", "Dockerfile", "README.md", "docs/keep.md", "main.go"}},
		{name: "double star", ignore: "**/*_test.go\n**/*.md\n!README.md\nbuild\nnode_modules\nvendor\ndocs",
			want: []string{".dockerignore", "Dockerfile", "README.md", "main.go", "src/", "src/app/", "src/app/x.go"}},
		{name: "wildcard exception below excluded directory", ignore: "*\n!**/keep\n!*.go",
			want: []string{".dockerignore", "Dockerfile", "main.go", "vendor/m/keep"}},
		{name: "ignoring the Dockerfile and .dockerignore is ignored", ignore: "*\n!main.go",
			want: []string{".dockerignore", "Dockerfile", "main.go"}},
		{name: "dockerfile in an excluded directory", ignore: "build\ndocs\nsrc\nvendor\nnode_modules\n*.md\nmain.go",
			dockerfile: "build/Dockerfile.prod", want: []string{".dockerignore", "Dockerfile", "build/Dockerfile.prod"}},
		{name: "leading slash and trailing slash", ignore: "/build/\n/docs/*.md\nnode_modules/\nsrc/**/x*\nvendor/*/drop",
			want: []string{".dockerignore", "Dockerfile", "README.md", "docs/", "main.go", "src/", "src/app/",
				"vendor/", "vendor/m/", "vendor/m/keep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			makeTree(t, dir, tree...)
			if tt.dockerfile != "" {
				makeTree(t, dir, tt.dockerfile)
			}
			if tt.ignore != "-" {
				if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(tt.ignore), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rc, err := Context(dir, tt.dockerfile)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, _, _ := readTar(t, rc)
			if !slices.Equal(got, tt.want) {
				t.Errorf("entries:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
