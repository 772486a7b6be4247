package scaffold

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuiltinCatalog(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Names(), []string{"go-http", "node-http", "python-http"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	for _, tt := range c.Templates {
		if strings.Contains(tt.Description, "\n") {
			t.Errorf("%s: description %q spans lines", tt.Name, tt.Description)
		}
	}
}

func TestLookup(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		want    string
		wantErr string
	}{
		{"go-http", "go-http", ""},
		{"go", "go-http", ""},
		{"node", "node-http", ""},
		{"python", "python-http", ""},
		{"pyhton", "", `unknown template "pyhton"; did you mean "python"? (known: go-http, node-http, python-http; see gazr new --list)`},
		{"go-htp", "", `unknown template "go-htp"; did you mean "go-http"?`},
		{"rust", "", `unknown template "rust" (known: go-http, node-http, python-http; see gazr new --list)`},
		{"", "", `no template given (known: go-http, node-http, python-http; see gazr new --list)`},
		{"Go", "", `unknown template "Go"; did you mean "go"?`},
		{"../go-http", "", `unknown template "../go-http"`},
		{"go-http/", "", `unknown template "go-http/"`},
		{"templates.toml", "", `unknown template "templates.toml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Lookup(tt.name)
			if tt.wantErr != "" {
				var in *InputError
				if !errors.As(err, &in) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Lookup(%q) error = %v, want an InputError containing %q", tt.name, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Name != tt.want {
				t.Fatalf("Lookup(%q) = %v, %v; want %s", tt.name, got, err, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string
	}{
		{"no index", fstest.MapFS{"a/x": file("")}, "templates.toml"},
		{"bad toml", fstest.MapFS{IndexFile: file("[a\n")}, "templates.toml"},
		{"unknown key", fstest.MapFS{IndexFile: file("[a]\ndescription = \"A\"\nalias = [\"b\"]\n"), "a/x": file("")}, `unknown key "a.alias"`},
		{"no directory", fstest.MapFS{IndexFile: file("[a]\ndescription = \"A\"\n")}, `lists "a" but there is no directory a/`},
		{"unlisted directory", fstest.MapFS{IndexFile: file("[a]\ndescription = \"A\"\n"), "a/x": file(""), "b/x": file("")}, "directory b/ is not listed"},
		{"no description", fstest.MapFS{IndexFile: file("[a]\naliases = [\"b\"]\n"), "a/x": file("")}, `template "a" has no description`},
		{"alias taken", fstest.MapFS{IndexFile: file("[a]\ndescription = \"A\"\n[b]\ndescription = \"B\"\naliases = [\"a\"]\n"), "a/x": file(""), "b/x": file("")}, `"a" names both template a and template b`},
		{"empty", fstest.MapFS{IndexFile: file("# nothing\n")}, "lists no template"},
		{"path name", fstest.MapFS{IndexFile: file("[\"a/b\"]\ndescription = \"A\"\n"), "a/b/x": file("")}, `invalid template name "a/b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load() error = %v, want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}
