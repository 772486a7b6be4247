package convention_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
)

func TestAll(t *testing.T) {
	list, err := convention.All()
	if err != nil {
		t.Fatalf("All: %v", err)
	}
	var names []string
	for i, c := range list {
		names = append(names, c.Name)
		if c.Description == "" || len(c.Detect) == 0 || c.Image == "" || c.Priority <= 0 {
			t.Errorf("%s: description %q, detect %q, image %q, priority %d: want all set",
				c.Name, c.Description, c.Detect, c.Image, c.Priority)
		}
		if c.ImageOrigin != "convention "+c.Name {
			t.Errorf("%s: ImageOrigin = %q, want %q", c.Name, c.ImageOrigin, "convention "+c.Name)
		}
		if i > 0 && list[i-1].Priority < c.Priority {
			t.Errorf("%s (priority %d) comes after %s (priority %d)", c.Name, c.Priority, list[i-1].Name, list[i-1].Priority)
		}
		if c.Makefile || c.Taskfile {
			if len(c.Verbs) != 0 {
				t.Errorf("%s: a Makefile or Taskfile convention takes its verbs from that file, not %v", c.Name, c.Verbs)
			}
			continue
		}
		if len(c.Verbs) == 0 {
			t.Errorf("%s: no verbs", c.Name)
		}
		for verb, v := range c.Verbs {
			if !config.IsVerb(verb) {
				t.Errorf("%s: unknown verb %q", c.Name, verb)
			}
			if len(v.Run) == 0 || slices.Contains(v.Run, "") {
				t.Errorf("%s: verbs.%s.run = %q, want commands", c.Name, verb, v.Run)
			}
		}
		for name, env := range c.Caches {
			if name == "" || env == "" || strings.ContainsAny(env, "= ") {
				t.Errorf("%s: cache %q = %q, want a name and an environment variable", c.Name, name, env)
			}
		}
	}
	want := []string{"go", "make", "node", "node-pnpm", "node-yarn", "python", "taskfile"}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("conventions = %q, want %q", names, want)
	}
}

func TestPythonPrelude(t *testing.T) {
	py, err := convention.ByName("python")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(py.Prelude, ".venv/bin/activate") {
		t.Errorf("python prelude = %q, want the project's virtualenv activated", py.Prelude)
	}
	for verb, v := range py.Verbs {
		for _, c := range v.Run {
			if strings.Contains(c, "bin/activate") {
				t.Errorf("python verbs.%s activates the virtualenv itself: %q; the prelude does", verb, c)
			}
		}
	}
}

// TestAllReturnsCopies checks that a caller changing a convention does not
// change what the next caller gets.
func TestAllReturnsCopies(t *testing.T) {
	a, err := convention.ByName("go")
	if err != nil {
		t.Fatal(err)
	}
	a.Image, a.DetectedBy = "changed", "changed"
	b, err := convention.ByName("go")
	if err != nil {
		t.Fatal(err)
	}
	if b.Image == "changed" || b.DetectedBy != "" {
		t.Errorf("ByName after a change = Image %q, DetectedBy %q", b.Image, b.DetectedBy)
	}
}

func TestByName(t *testing.T) {
	c, err := convention.ByName("node-yarn")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "node-yarn" || c.Caches["yarn"] != "YARN_CACHE_FOLDER" {
		t.Errorf("ByName(node-yarn) = %+v", c)
	}
	_, err = convention.ByName("rust")
	want := `no convention named "rust"; known: go, make, node, node-pnpm, node-yarn, python, taskfile`
	if err == nil || err.Error() != want {
		t.Errorf("ByName(rust) error = %v, want %q", err, want)
	}
}

func TestImageEnv(t *testing.T) {
	tests := []struct{ in, want string }{
		{"go", "GAZR_IMAGE_GO"},
		{"node-yarn", "GAZR_IMAGE_NODE_YARN"},
		{"node-pnpm", "GAZR_IMAGE_NODE_PNPM"},
	}
	for _, tt := range tests {
		if got := convention.ImageEnv(tt.in); got != tt.want {
			t.Errorf("ImageEnv(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestImageOverride(t *testing.T) {
	t.Setenv("GAZR_IMAGE_NODE_YARN", "registry.local/node:22")
	c, err := convention.ByName("node-yarn")
	if err != nil {
		t.Fatal(err)
	}
	if c.Image != "registry.local/node:22" || c.ImageOrigin != "$GAZR_IMAGE_NODE_YARN" {
		t.Errorf("with $GAZR_IMAGE_NODE_YARN: Image %q, ImageOrigin %q", c.Image, c.ImageOrigin)
	}
	other, err := convention.ByName("node")
	if err != nil {
		t.Fatal(err)
	}
	if other.Image != "node:22" || other.ImageOrigin != "convention node" {
		t.Errorf("node is overridden too: Image %q, ImageOrigin %q", other.Image, other.ImageOrigin)
	}

	t.Setenv("GAZR_IMAGE_NODE_YARN", "")
	c, err = convention.ByName("node-yarn")
	if err != nil {
		t.Fatal(err)
	}
	if c.Image != "node:22" || c.ImageOrigin != "convention node-yarn" {
		t.Errorf("with an empty $GAZR_IMAGE_NODE_YARN: Image %q, ImageOrigin %q", c.Image, c.ImageOrigin)
	}
}
