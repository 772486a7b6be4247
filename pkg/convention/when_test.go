package convention

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestConditionalVerbs applies each language convention to small trees:
// a conditional verb is defined exactly when the project shows it.
func TestConditionalVerbs(t *testing.T) {
	const goTagged = "//go:build integration\n\npackage x\n"
	tests := []struct {
		conv, verb string
		files      map[string]string
		want       bool
	}{
		{"go", "test-integration", map[string]string{"x_test.go": "package x\n"}, false},
		{"go", "test-integration", map[string]string{"db/x_test.go": goTagged}, true},
		{"go", "test-integration", map[string]string{"x_test.go": "// +build integration\n\npackage x\n"}, true},
		{"go", "test-integration", map[string]string{"x.go": goTagged}, false},
		{"go", "test-integration", map[string]string{"vendor/y/x_test.go": goTagged}, false},
		{"go", "test-integration", map[string]string{"x_test.go": "//go:build !integrationx\n"}, false},
		{"go", "test-functional", map[string]string{"x_test.go": "//go:build functional && linux\n"}, true},
		{"go", "test-functional", map[string]string{"x_test.go": goTagged}, false},
		// One walk decides both verbs: a file that settles one does not
		// stop the search for the other.
		{"go", "test-functional", map[string]string{"a/x_test.go": goTagged, "b/y_test.go": "//go:build functional\n"}, true},
		{"go", "test-integration", map[string]string{"a/x_test.go": goTagged, "b/y_test.go": "//go:build functional\n"}, true},
		{"python", "test-integration", map[string]string{"tests/integration/test_db.py": ""}, true},
		{"python", "test-integration", map[string]string{"tests/test_db.py": "@pytest.mark.integration\ndef test_db(): pass\n"}, true},
		{"python", "test-integration", map[string]string{".venv/lib/t.py": "@pytest.mark.integration\n"}, false},
		{"python", "test-integration", map[string]string{"tests/test_db.py": "def test_db(): pass\n"}, false},
		{"python", "test-functional", map[string]string{"tests/functional/test_app.py": ""}, true},
		{"node", "test-integration", map[string]string{"package.json": `{"scripts": {"test:integration": "jest int"}}`}, true},
		{"node", "test-integration", map[string]string{"package.json": `{"scripts": {"test": "jest"}}`}, false},
		{"node-yarn", "test-functional", map[string]string{"package.json": `{"scripts": {"test:functional": "x"}}`}, true},
		// Yarn 1 has no --if-present: no script, no verb.
		{"node-yarn", "style", map[string]string{"package.json": `{"scripts": {"lint": "eslint ."}}`}, true},
		{"node-yarn", "style", map[string]string{"package.json": `{"scripts": {"test": "x"}}`}, false},
		{"node-yarn", "build", map[string]string{"package.json": `{"name": "x"}`}, false},
		{"node-yarn", "run", map[string]string{"package.json": `{"scripts": {"start": "node ."}}`}, true},
		// npm and pnpm too: --if-present would pass having run nothing.
		{"node", "style", map[string]string{"package.json": `{"scripts": {"test": "x"}}`}, false},
		{"node", "build", map[string]string{"package.json": `{"scripts": {"build": "tsc"}}`}, true},
		{"node-pnpm", "format", map[string]string{"package.json": `{"name": "x"}`}, false},
		{"node-pnpm", "format", map[string]string{"package.json": `{"scripts": {"format": "prettier -w ."}}`}, true},
		{"node-pnpm", "complexity", map[string]string{"package.json": `{"devDependencies": {"eslint": "^9"}}`}, true},
		{"node", "complexity", map[string]string{"package.json": `{"name": "x"}`}, false},
		{"node", "security-sast", map[string]string{"package.json": `{"devDependencies": {"eslint": "^9"}}`}, false},
		{"node", "security-sast", map[string]string{"package.json": `{"devDependencies": {"eslint-plugin-security": "^3"}}`}, true},
		{"node", "complexity", map[string]string{"package.json": `not json`}, false},
	}
	for _, tt := range tests {
		var names []string
		for n := range tt.files {
			names = append(names, n)
		}
		t.Run(tt.conv+"/"+tt.verb+"/"+strings.Join(names, ","), func(t *testing.T) {
			c := mustByName(t, tt.conv).applyWhen(writeTree(t, tt.files))
			_, got := c.Verbs[tt.verb]
			if got != tt.want {
				t.Errorf("defined = %v, want %v (Undefined %q)", got, tt.want, c.Undefined[tt.verb])
			}
			if !got && !strings.HasPrefix(c.Undefined[tt.verb], "no ") {
				t.Errorf("Undefined[%s] = %q, want a reason", tt.verb, c.Undefined[tt.verb])
			}
		})
	}
}

// TestByNameLeavesConditionalUndefined: a convention not applied to a
// project defines none of its conditional verbs, and says why.
func TestByNameLeavesConditionalUndefined(t *testing.T) {
	c := mustByName(t, "go")
	if _, ok := c.Verbs["test-integration"]; ok {
		t.Error("test-integration defined with no project to look at")
	}
	if !strings.Contains(c.WhyNot("test-integration"), "`integration` build tag") {
		t.Errorf("WhyNot = %q", c.WhyNot("test-integration"))
	}
}

func TestCheck(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"ok", "[tools.x]\nversion = \"v1\"\ngo = \"example.com/x\"\n[verbs.style]\nrun = \"x\"\ntools = [\"x\"]\n", ""},
		{"unknown tool", "[verbs.style]\nrun = \"x\"\ntools = [\"x\"]\n", `unknown tool "x"`},
		{"go unpinned", "[tools.x]\ngo = \"example.com/x\"\n", "needs a pinned version"},
		{"go latest", "[tools.x]\nversion = \"latest\"\ngo = \"example.com/x\"\n", "needs a pinned version"},
		{"two kinds", "[tools.x]\npython = \"x\"\nnode = \"x\"\n", "exactly one of"},
		{"when without missing", "[verbs.test-integration]\nrun = \"x\"\nwhen = { paths = [\"it\"] }\n", "when needs missing"},
		{"@latest", "[verbs.style]\nrun = \"go run x@latest\"\n", "not pinned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Convention
			if _, err := toml.Decode(tt.in, &c); err != nil {
				t.Fatal(err)
			}
			err := c.check()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("check() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
