package app

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
)

func TestRunExplainUnknownVerb(t *testing.T) {
	tests := []struct {
		verb, want string
	}{
		{"tset-unit", `unknown verb "tset-unit"; did you mean "test-unit"?`},
		{"biuld", `unknown verb "biuld"; did you mean "build"?`},
		{"deploy-everything-now", `unknown verb "deploy-everything-now"`},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			io, out, _ := iostreams.Test()
			// A project verb (a Taskfile task) needs the project: here, one without.
			err := runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(t.TempDir()), Verb: tt.verb})
			var usage *UsageError
			if !errors.As(err, &usage) || err.Error() != tt.want {
				t.Fatalf("err = %v (%T), want *UsageError %q", err, err, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

// shopPlan is what `gazr explain test-unit -- -run 'Test X'` prints for
// shopConfig in dir, as rows of cells.
func shopPlan(dir string) [][]string {
	user := project.HostUser()
	if user == "" {
		user = "(image default)"
	}
	return [][]string{
		{"project", "shop", dir},
		{"config", filepath.Join(dir, ".gazr.toml")},
		{"convention", "none"},
		{"step test-unit"},
		{"image", "alpine:3.20", ".gazr.toml:2"},
		{"run", "go vet ./...", ".gazr.toml:6"},
		{"go test ./...", ".gazr.toml:6"},
		{"args", "-run 'Test X'", plan.OriginArgs},
		{"workdir", dir + "/api", ".gazr.toml:7"},
		{"user", user, "host user"},
		{"mount", dir + " -> " + dir + " (bind, rw)", "project root"},
		{"mount", "tmpfs -> /gazr/home (HOME)", "gazr"},
		{"env", "HOME=/gazr/home", "gazr"},
		{"env", "CGO_ENABLED=0", ".gazr.toml:8"},
		{"env", "GAZR=1", "gazr"},
		{"env", "GAZR_PROJECT=shop", "gazr"},
		{"env", "GAZR_ROOT=" + dir, "gazr"},
		{"env", "GAZR_VERB=test-unit", "gazr"},
		{"env", "GAZR_CONVENTION=", "gazr"},
		{"env", "GAZR_VERSION=" + Version, "gazr"},
	}
}

func TestRunExplain(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, out, errOut := iostreams.Test()
	err := runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), Verb: "test-unit", Args: []string{"-run", "Test X"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rows(out.String()), shopPlan(dir); !reflect.DeepEqual(got, want) {
		t.Errorf("explain =\n%s\nrows %q\nwant %q", out, got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", errOut)
	}
}

func TestRunExplainConvention(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{
		"go.mod":     "module example.com/shop\n",
		".gazr.toml": "[verbs.test-integration]\nrun = \"go test -tags integration ./...\"\ncaches = [\"go-mod\"]\n",
	})
	io, out, _ := iostreams.Test()
	if err := runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), Verb: "test"}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range [][]string{
		{"convention", "go", "detected: go.mod"},
		{"step test-unit"},
		{"image", "test/golang:x", "$GAZR_IMAGE_GO"},
		{"cache", "gazr-cache-go-build -> /gazr/cache/go-build", "convention go"},
		{"step test-integration"},
		{"run", "go test -tags integration ./...", ".gazr.toml:2"},
		{"cache", "gazr-cache-go-mod -> /gazr/cache/go-mod", ".gazr.toml:3"},
		{"env", "GOMODCACHE=/gazr/cache/go-mod", "cache go-mod"},
	} {
		if !containsRow(rows(text), want) {
			t.Errorf("explain has no row %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "args") {
		t.Errorf("explain shows args without any:\n%s", text)
	}
	if strings.Index(text, "step test-unit") > strings.Index(text, "step test-integration") {
		t.Errorf("steps out of order:\n%s", text)
	}
}

func TestRunExplainNotDefined(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, _, _ := iostreams.Test()
	err := runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), Verb: "upgrade"})
	var nd *plan.NotDefinedError
	if !errors.As(err, &nd) || nd.Verb != "upgrade" {
		t.Fatalf("err = %v (%T), want *plan.NotDefinedError", err, err)
	}
}

func containsRow(rs [][]string, want []string) bool {
	for _, r := range rs {
		if reflect.DeepEqual(r, want) {
			return true
		}
	}
	return false
}
