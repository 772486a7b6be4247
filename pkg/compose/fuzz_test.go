package compose_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
)

// FuzzLoad checks that Load never panics or runs away on a compose file,
// and that every error it returns is a one-line *compose.Error naming the
// file, at a line inside it when it has one.
func FuzzLoad(f *testing.F) {
	seeds, err := filepath.Glob("../deploy/convert/testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("services:\n  web:\n    image: x\n    ports: [\"80:80\"]\n"))
	f.Add([]byte("x-d: &d {image: x}\nservices:\n  a: *d\n  b:\n    <<: *d\n    environment: [A=${B:-c}]\n"))
	f.Add([]byte("services:\n  web:\n    image: x\n    labels: [[[[[]]]]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "compose.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Name: "p", Environ: map[string]string{}})
		if err == nil {
			return
		}
		var ce *compose.Error
		if !errors.As(err, &ce) {
			t.Fatalf("Load error %v is %T, want *compose.Error", err, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("Load error %q spans lines", err)
		}
		if ce.Path == "" {
			t.Fatalf("Load error %q names no file", err)
		}
		if ce.Path == path {
			if lines := yamlLines(data); ce.Line < 0 || ce.Line > lines {
				t.Fatalf("Load error %q at line %d of a %d-line file", err, ce.Line, lines)
			}
		}
	})
}

// yamlLines counts the lines of data as YAML does: CR, LF, CRLF, NEL, LS
// and PS each end one (a lone "\r" makes two lines).
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return 1 + strings.Count(s, "\n") + strings.Count(s, "\r") +
		strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
}
