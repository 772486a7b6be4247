package compose_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/gazr-io/gazr/pkg/compose"
)

func TestLoadLimits(t *testing.T) {
	deep := "services:\n  web:\n    image: x\n    labels: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
	var laughs strings.Builder
	laughs.WriteString("x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nservices:\n  web:\n    image: x\nx-b: [")
	laughs.WriteString(strings.Repeat("*a, ", 2000) + "]\n")
	tests := []struct {
		name  string
		files map[string]string
		file  string
		line  int
		want  string
	}{
		{"deep flow", map[string]string{"compose.yaml": deep}, "compose.yaml", 4, "nests deeper than 64"},
		{"aliases", map[string]string{"compose.yaml": laughs.String()}, "compose.yaml", 5, "more than 1000 aliases"},
		{"huge", map[string]string{"compose.yaml": "services: {}\n" + strings.Repeat("#\n", 1<<20)}, "compose.yaml", 0, "too large"},
		{"huge .env", map[string]string{"compose.yaml": "services: {}\n", ".env": strings.Repeat("A=1\n", 1<<19)}, ".env", 0, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			_, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Environ: map[string]string{}})
			var ce *compose.Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load error = %v, want a *compose.Error", err)
			}
			if ce.Path != filepath.Join(dir, tt.file) || ce.Line != tt.line || !strings.Contains(ce.Msg, tt.want) {
				t.Errorf("Load error = %v, want %s:%d: …%s…", err, tt.file, tt.line, tt.want)
			}
		})
	}
}

// TestLoadWarnings checks that compose-go's logrus lines never come out in
// its own format: dropped when the load fails, one gazr line each otherwise.
func TestLoadWarnings(t *testing.T) {
	var buf bytes.Buffer
	out := logrus.StandardLogger().Out
	logrus.SetOutput(&buf)
	t.Cleanup(func() { logrus.SetOutput(out) })

	dir := tree(t, map[string]string{"compose.yaml": "version: '3'\nservices:\n  web:\n    image: x\n    bogus: 1\n"})
	if _, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Environ: map[string]string{}}); err == nil {
		t.Fatal("Load of an invalid file succeeded")
	}
	if buf.Len() != 0 {
		t.Errorf("a failed load logged %q, want nothing", buf.String())
	}

	dir = tree(t, map[string]string{"compose.yaml": "version: '3'\nservices:\n  web:\n    image: x\n"})
	if _, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Environ: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.HasPrefix(got, "gazr: warning: ") || strings.Count(got, "\n") != 1 || strings.Contains(got, "level=") {
		t.Errorf("a load with an obsolete version logged %q, want one gazr: warning line", got)
	}
}

func TestLoadNotRegular(t *testing.T) {
	dir := tree(t, map[string]string{"compose.yaml": "services: {}\n"})
	if err := os.Mkdir(filepath.Join(dir, ".env"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := compose.Load(context.Background(), compose.LoadOptions{Dir: dir, Environ: map[string]string{}})
	var ce *compose.Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), ".env: is a directory") {
		t.Fatalf("Load error = %v, want a *compose.Error saying .env is a directory", err)
	}
}
