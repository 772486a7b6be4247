package scaffold

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// ciFiles are the CI files every template writes, in the order docs/ci.md
// shows them.
var ciFiles = []string{".github/workflows/ci.yml", ".gitlab-ci.yml"}

// TestCIFiles: every template writes the CI files of docs/ci.md, pinned
// to the release that created the project; they parse as YAML, run gazr
// doctor, test and build, and their install scripts parse as shell.
func TestCIFiles(t *testing.T) {
	doc, err := os.ReadFile("../../docs/ci.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) != len(ciFiles) {
		t.Fatalf("docs/ci.md has %d yaml blocks, want %d (%s)", len(blocks), len(ciFiles), strings.Join(ciFiles, ", "))
	}
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range c.Templates {
		files, err := tmpl.Render(Data{Name: "shop", Module: "example.com/shop", Template: tmpl.Name, GazrVersion: "1.2.3"})
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range ciFiles {
			j := slices.IndexFunc(files, func(f File) bool { return f.Path == name })
			if j < 0 {
				t.Errorf("%s writes no %s", tmpl.Name, name)
				continue
			}
			got := string(files[j].Content)
			if got != blocks[i][1] {
				t.Errorf("%s's %s differs from docs/ci.md's:\n%s", tmpl.Name, name, firstDiff(got, blocks[i][1]))
			}
			checkCI(t, tmpl.Name+"/"+name, got)
		}
	}
}

// checkCI checks one CI file: YAML, the version pinned, the verbs run, and
// a shell script that parses.
func checkCI(t *testing.T, name, content string) {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(content), &doc); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if !strings.Contains(content, `GAZR_VERSION: "1.2.3"`) {
		t.Errorf("%s does not pin GAZR_VERSION to the release", name)
	}
	var scripts []string
	collectStrings(doc, &scripts)
	for _, verb := range []string{"gazr doctor", "gazr test", "gazr build"} {
		if !slices.Contains(scripts, verb) {
			t.Errorf("%s does not run %q", name, verb)
		}
	}
	for _, s := range scripts {
		if !strings.Contains(s, "checksums.txt") {
			continue
		}
		if out, err := exec.Command("sh", "-n", "-c", s).CombinedOutput(); err != nil {
			t.Errorf("%s: the install script does not parse: %v\n%s", name, err, out)
		}
		return
	}
	t.Errorf("%s has no install script checking the release's checksums.txt", name)
}

// collectStrings appends every string of v, a decoded YAML document.
func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case []any:
		for _, e := range v {
			collectStrings(e, out)
		}
	case map[string]any:
		for _, e := range v {
			collectStrings(e, out)
		}
	}
}

func TestReleaseVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.2.3", "1.2.3"},
		{"v1.2.3", "1.2.3"},
		{"v10.0.12", "10.0.12"},
		{"dev", "latest"},
		{"", "latest"},
		{"v0.0.0-20260304100000-abcdef123456", "latest"},
		{"v1.3.0-rc.1", "latest"},
		{"1.2.3+dirty", "latest"},
	}
	for _, tt := range tests {
		if got := ReleaseVersion(tt.in); got != tt.want {
			t.Errorf("ReleaseVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
