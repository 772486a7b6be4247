package compose_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/errdefs"

	"github.com/gazr-io/gazr/pkg/compose"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		env     string // a Deploy load when set
		mode    compose.Mode
		path    string // file the error names
		line    int
		col     int    // 0: the error gives a line only
		msg     string // substring of Msg
		environ map[string]string
	}{
		{
			// A parser error: yaml v4 rc.4 reports it one line early; the
			// key at fault is on line 4.
			name:  "bad indentation",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n   ports: [1]\n"},
			path:  "compose.yaml", line: 4, col: 4, msg: "did not find expected key",
		},
		{
			name:  "unclosed flow sequence",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    ports: [1\n    x: 3\n"},
			path:  "compose.yaml", line: 5, col: 6, msg: "did not find expected ',' or ']'",
		},
		{
			name:  "scanner error",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: a: b\n"},
			path:  "compose.yaml", line: 3, col: 13, msg: "mapping values are not allowed in this context",
		},
		{
			name:  "tab",
			files: map[string]string{"compose.yaml": "services:\n  web:\n\timage: x\n"},
			path:  "compose.yaml", line: 3, msg: "found character that cannot start any token",
		},
		{
			name:  "duplicate key",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: a\n    image: b\n"},
			path:  "compose.yaml", line: 4, msg: `mapping key "image" already defined at line 3`,
		},
		{
			name:  "unknown top-level key",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\nservice:\n  db: {}\n"},
			path:  "compose.yaml", line: 4, col: 1, msg: `unknown top-level key "service"`,
		},
		{
			name:  "unknown service key",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    imgae: x\n"},
			path:  "compose.yaml", line: 4, col: 5, msg: `services.web: unknown key "imgae"`,
		},
		{
			name:  "wrong type",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    ports: 3\n"},
			path:  "compose.yaml", line: 4, col: 5, msg: "services.web.ports must be an array",
		},
		{
			name: "error in the override",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n",
				"compose.staging.yaml": "services:\n  web:\n    deploy:\n      replica: 2\n"},
			env:  "staging",
			path: "compose.staging.yaml", line: 4, col: 7, msg: `services.web.deploy: unknown key "replica"`,
		},
		{
			name: "error in the development override",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n",
				"compose.override.yaml": "services:\n  web:\n    volumes: .:/src\n"},
			mode: compose.Dev,
			path: "compose.override.yaml", line: 3, col: 5, msg: "services.web.volumes must be an array",
		},
		{
			name:    "interpolation",
			files:   map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: ${N}\n"},
			environ: map[string]string{"N": "two"},
			path:    "compose.yaml", line: 5, col: 7, msg: "services.web.deploy.replicas: failed to cast",
		},
		{
			name:    "required variable",
			files:   map[string]string{"compose.yaml": "services:\n  web:\n    image: ${IMAGE:?set IMAGE}\n"},
			environ: map[string]string{},
			path:    "compose.yaml", line: 3, col: 5, msg: "required variable IMAGE is missing a value: set IMAGE",
		},
		{
			name:  ".env syntax",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n", ".env": "A=1\nB='open\n"},
			// dotenv reports where it gave up: the end of the file.
			path: ".env", line: 3, msg: "unterminated quoted value",
		},
		{
			name:  ".env interpolation",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n", ".env": "A=${B:?needed}\n"},
			path:  ".env", msg: "required variable B is missing a value: needed",
		},
		{
			name:  "consistency, no line",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    networks: [front]\n"},
			path:  "compose.yaml", msg: `service "web" refers to undefined network front`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			environ := tt.environ
			if environ == nil {
				environ = map[string]string{}
			}
			if tt.env != "" {
				tt.mode = compose.Deploy
			}
			_, err := compose.Load(context.Background(), compose.LoadOptions{Mode: tt.mode, Dir: dir, Env: tt.env, Name: "shop", Environ: environ})
			var ce *compose.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want a *compose.Error", err, err)
			}
			path := filepath.Join(dir, tt.path)
			if ce.Path != path || ce.Line != tt.line || ce.Col != tt.col || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("got {%q %d:%d %q}, want {%q %d:%d …%q…}", ce.Path, ce.Line, ce.Col, ce.Msg, path, tt.line, tt.col, tt.msg)
			}
			text := err.Error()
			if strings.Contains(text, "\n") {
				t.Errorf("error has several lines: %q", text)
			}
			prefix := path + ":"
			if tt.line > 0 {
				prefix += strconv.Itoa(tt.line) + ":"
				if tt.col > 0 {
					prefix += strconv.Itoa(tt.col) + ":"
				}
				prefix += " "
			}
			if !strings.HasPrefix(text, prefix) {
				t.Errorf("error %q does not start with %q", text, prefix)
			}
		})
	}
}

// TestErrorUnwrap checks that compose-go's error kinds stay reachable.
func TestErrorUnwrap(t *testing.T) {
	dir := tree(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    networks: [front]\n"})
	_, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Environ: map[string]string{}})
	if !errdefs.IsInvalidError(err) {
		t.Errorf("err = %v, want errdefs.ErrInvalid in its chain", err)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  compose.Error
		want string
	}{
		{compose.Error{Path: "/p/compose.yaml", Line: 3, Msg: "bad"}, "/p/compose.yaml:3: bad"},
		{compose.Error{Path: "/p/compose.yaml", Msg: "bad"}, "/p/compose.yaml: bad"},
		{compose.Error{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
