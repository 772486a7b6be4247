package convention_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gazr-io/gazr/pkg/convention"
)

// project creates files (path → content) in a new temporary directory.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const gazrMakefile = "include common.mk\n\ntest: deps\n\tgo test ./...\n\nbuild:\n\tgo build ./...\n"

func TestDetect(t *testing.T) {
	tests := []struct {
		name       string
		files      map[string]string
		want       string // convention name, "" for none
		detectedBy string
	}{
		{"empty directory", nil, "", ""},
		{"go.mod", map[string]string{"go.mod": "module x\n"}, "go", "go.mod"},
		{"package.json", map[string]string{"package.json": "{}"}, "node", "package.json"},
		{"package-lock.json", map[string]string{"package-lock.json": "{}"}, "node", "package-lock.json"},
		{"yarn.lock beside package.json", map[string]string{"package.json": "{}", "yarn.lock": ""}, "node-yarn", "yarn.lock"},
		{"pnpm-lock.yaml beside package.json", map[string]string{"package.json": "{}", "pnpm-lock.yaml": ""}, "node-pnpm", "pnpm-lock.yaml"},
		{"pyproject.toml", map[string]string{"pyproject.toml": ""}, "python", "pyproject.toml"},
		{"requirements.txt", map[string]string{"requirements.txt": ""}, "python", "requirements.txt"},
		{"setup.py", map[string]string{"setup.py": ""}, "python", "setup.py"},
		{"go beats python", map[string]string{"requirements.txt": "", "go.mod": ""}, "go", "go.mod"},
		{"marker in a subdirectory only", map[string]string{"sub/go.mod": ""}, "", ""},
		{"marker is a directory", map[string]string{"go.mod/keep": ""}, "", ""},
		{"Makefile without gazr targets beside go.mod", map[string]string{"go.mod": "", "Makefile": "all:\n\tgo build\n"}, "go", "go.mod"},
		{"Makefile with only all", map[string]string{"Makefile": "all: app\n\tcc -o app app.c\n"}, "", ""},
		{"Makefile with gazr targets", map[string]string{"Makefile": gazrMakefile}, "make", "Makefile"},
		{"lower-case makefile", map[string]string{"makefile": gazrMakefile}, "make", "makefile"},
		{"GNUmakefile", map[string]string{"GNUmakefile": gazrMakefile}, "make", "GNUmakefile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := convention.Detect(project(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if c != nil {
					t.Fatalf("Detect = %s (by %s), want none", c.Name, c.DetectedBy)
				}
				return
			}
			if c == nil {
				t.Fatalf("Detect = nil, want %s", tt.want)
			}
			if c.Name != tt.want || c.DetectedBy != tt.detectedBy {
				t.Errorf("Detect = %s by %s, want %s by %s", c.Name, c.DetectedBy, tt.want, tt.detectedBy)
			}
		})
	}
}

func TestDetectMakefileWithLanguage(t *testing.T) {
	root := project(t, map[string]string{"go.mod": "module x\n", "Makefile": gazrMakefile})
	c, err := convention.Detect(root)
	if err != nil {
		t.Fatal(err)
	}
	goConv, err := convention.ByName("go")
	if err != nil {
		t.Fatal(err)
	}
	if c == nil || c.Name != "make" || c.Base != "go" || c.DetectedBy != "Makefile" {
		t.Fatalf("Detect = %+v, want make based on go, detected by Makefile", c)
	}
	want := map[string]convention.Verb{
		"test":  {Run: []string{"make test"}},
		"build": {Run: []string{"make build"}},
	}
	if !reflect.DeepEqual(c.Verbs, want) {
		t.Errorf("Verbs = %v, want %v", c.Verbs, want)
	}
	if !reflect.DeepEqual(c.Caches, goConv.Caches) {
		t.Errorf("Caches = %v, want go's %v", c.Caches, goConv.Caches)
	}
	if c.Image != goConv.Image || c.ImageOrigin != "convention go" {
		t.Errorf("Image = %q (%s), want go's %q (convention go)", c.Image, c.ImageOrigin, goConv.Image)
	}
}

func TestDetectMakefileAlone(t *testing.T) {
	c, err := convention.Detect(project(t, map[string]string{"Makefile": "test-unit build: deps\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if c == nil || c.Name != "make" || c.Base != "" || c.Image != "buildpack-deps:bookworm" || len(c.Caches) != 0 {
		t.Fatalf("Detect = %+v, want make with its own image and no caches", c)
	}
	if len(c.Verbs) != 2 || c.Verbs["test-unit"].Run[0] != "make test-unit" || c.Verbs["build"].Run[0] != "make build" {
		t.Errorf("Verbs = %v, want make test-unit and make build", c.Verbs)
	}
}

func TestDetectMakefileImageOverride(t *testing.T) {
	t.Run("language image overridden", func(t *testing.T) {
		t.Setenv("GAZR_IMAGE_GO", "mirror/golang")
		c, err := convention.Detect(project(t, map[string]string{"go.mod": "", "Makefile": gazrMakefile}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Image != "mirror/golang" || c.ImageOrigin != "$GAZR_IMAGE_GO" {
			t.Errorf("Image = %q (%s), want mirror/golang ($GAZR_IMAGE_GO)", c.Image, c.ImageOrigin)
		}
	})
	t.Run("the language image beats the make one", func(t *testing.T) {
		t.Setenv("GAZR_IMAGE_MAKE", "mirror/make")
		c, err := convention.Detect(project(t, map[string]string{"go.mod": "", "Makefile": gazrMakefile}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Image != "golang:1.26" || c.ImageOrigin != "convention go" {
			t.Errorf("Image = %q (%s), want golang:1.26 (convention go)", c.Image, c.ImageOrigin)
		}
	})
	t.Run("make image overridden without a language", func(t *testing.T) {
		t.Setenv("GAZR_IMAGE_MAKE", "mirror/make")
		c, err := convention.Detect(project(t, map[string]string{"Makefile": gazrMakefile}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Image != "mirror/make" || c.ImageOrigin != "$GAZR_IMAGE_MAKE" || c.Base != "" {
			t.Errorf("Image = %q (%s), base %q; want mirror/make ($GAZR_IMAGE_MAKE), no base", c.Image, c.ImageOrigin, c.Base)
		}
	})
}

func TestDetectMakefileReadError(t *testing.T) {
	root := project(t, map[string]string{"go.mod": ""})
	// A line longer than the scanner's 1 MiB limit makes reading fail.
	big := make([]byte, 2<<20)
	for i := range big {
		big[i] = 'x'
	}
	if err := os.WriteFile(filepath.Join(root, "Makefile"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := convention.Detect(root); err == nil {
		t.Error("Detect with a Makefile line over 1 MiB: no error")
	}
}
