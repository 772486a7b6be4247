package app

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

const shopConfig = `name = "shop"
image = "alpine:3.20"
convention = "none"

[verbs.test-unit]
run = ["go vet ./...", "go test ./..."]
workdir = "api"
env = { CGO_ENABLED = "0" }

[verbs.test-integration]
image = "golang:1.26"
run = """
make db
go test -tags integration ./..."""

[verbs.build]
run = "go build ./..."
`

func TestRunList(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, out, errOut := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir)}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"VERB", "RUNS", "IMAGE", "FROM"},
		{"test", "test-unit, test-integration", "-", "group"},
		{"test-unit", "go vet ./... && go test ./...", "alpine:3.20", ".gazr.toml:6"},
		{"test-integration", "make db ⏎ go test -tags integration ./...", "golang:1.26", ".gazr.toml:12"},
		{"build", "go build ./...", "alpine:3.20", ".gazr.toml:17"},
	}
	if got := rows(out.String()); !reflect.DeepEqual(got, want) {
		t.Errorf("list =\n%s\nrows %q\nwant %q", out, got, want)
	}
	if !strings.HasPrefix(out.String(), "VERB  ") {
		t.Errorf("list does not start with the header:\n%s", out)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", errOut)
	}
}

func TestRunListConvention(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{
		"go.mod":     "module example.com/shop\n",
		".gazr.toml": "[verbs.test-integration]\nrun = \"go test -tags integration ./...\"\n",
	})
	conv, err := convention.ByName("go")
	if err != nil {
		t.Fatal(err)
	}
	io, out, _ := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir)}); err != nil {
		t.Fatal(err)
	}
	byVerb := map[string][]string{}
	for _, r := range rows(out.String())[1:] {
		byVerb[r[0]] = r
	}
	checks := map[string][]string{
		"test":             {"test", "test-unit, test-integration", "-", "group"},
		"test-unit":        {"test-unit", strings.Join(conv.Verbs["test-unit"].Run, " && "), "test/golang:x", "convention go"},
		"test-integration": {"test-integration", "go test -tags integration ./...", "test/golang:x", ".gazr.toml:2"},
	}
	for verb, want := range checks {
		if got := byVerb[verb]; !reflect.DeepEqual(got, want) {
			t.Errorf("row %s = %q, want %q", verb, got, want)
		}
	}
	// A verb the convention does not define is listed with why.
	for _, verb := range []string{"watch", "stop", "destroy", "upgrade"} {
		want := []string{verb, "-", "-", "not defined: convention go does not define it"}
		if r := byVerb[verb]; !reflect.DeepEqual(r, want) {
			t.Errorf("row %s = %q, want %q", verb, r, want)
		}
	}
	if len(byVerb) != len(config.Verbs) {
		t.Errorf("%d rows, want one per verb (%d)", len(byVerb), len(config.Verbs))
	}
}

// TestRunListConditional shows a conditional verb's reason when the
// project lacks what it needs, and its commands once it has it.
func TestRunListConditional(t *testing.T) {
	quiet(t)
	tagged := "//go:build integration\n\npackage shop\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"no tag", map[string]string{"go.mod": "module example.com/shop\n", "a_test.go": "package shop\n"},
			[]string{"test-integration", "-", "-", "not defined: no integration tests found: no `integration` build tag in *_test.go"}},
		{"tagged", map[string]string{"go.mod": "module example.com/shop\n", "db/db_test.go": tagged},
			[]string{"test-integration", "go test -tags integration ./...", "test/golang:x", "convention go"}},
		{"tag in testdata only", map[string]string{"go.mod": "module example.com/shop\n", "testdata/x_test.go": tagged},
			[]string{"test-integration", "-", "-", "not defined: no integration tests found: no `integration` build tag in *_test.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, tt.files)
			io, out, _ := iostreams.Test()
			if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir)}); err != nil {
				t.Fatal(err)
			}
			for _, r := range rows(out.String()) {
				if r[0] == tt.want[0] && !reflect.DeepEqual(r, tt.want) {
					t.Errorf("row = %q, want %q", r, tt.want)
				}
			}
		})
	}
}

func TestRunListEmpty(t *testing.T) {
	dir := t.TempDir()
	if p, _ := config.Find(dir); p != "" {
		t.Skipf("%s above the temporary directory makes it a project", p)
	}
	io, out, errOut := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir)}); err != nil {
		t.Fatal(err)
	}
	if got := rows(out.String()); !reflect.DeepEqual(got, [][]string{{"VERB", "RUNS", "IMAGE", "FROM"}}) {
		t.Errorf("stdout = %q, want the header only", out)
	}
	want := "no verb is defined here: no convention detected and no .gazr.toml; see gazr --help\n"
	if errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
}

func TestRunListTruncates(t *testing.T) {
	// "echo a" then two-byte runes: a cut at a byte count would fall
	// inside one.
	long := "echo a" + strings.Repeat("é", 80)
	dir := writeProject(t, map[string]string{".gazr.toml": "image = \"x\"\n[verbs.build]\nrun = \"" + long + "\"\n"})
	io, out, _ := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir)}); err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(out.Bytes()) {
		t.Errorf("list output is not valid UTF-8: %q", out)
	}
	r := rows(out.String())
	if len(r) != 2 || len(r[1]) != 4 {
		t.Fatalf("rows = %q", r)
	}
	runs := r[1][1]
	if n := utf8.RuneCountInString(runs); n != 60 || !strings.HasSuffix(runs, "...") || !strings.HasPrefix(long, strings.TrimSuffix(runs, "...")) {
		t.Errorf("RUNS = %q (%d runes), want the command's first 57 runes and ...", runs, n)
	}
}

func TestRunListError(t *testing.T) {
	// Project errors are returned as they are, for exitCode to map.
	io, out, _ := iostreams.Test()
	dir := writeProject(t, map[string]string{".gazr.toml": "nmae = \"x\"\n"})
	err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir)})
	if err == nil || !strings.Contains(err.Error(), ".gazr.toml:1") {
		t.Fatalf("err = %v, want a config error with its position", err)
	}
	if code := exitCode(io, err, nil); code != ExitUsage {
		t.Errorf("exit code = %d, want %d", code, ExitUsage)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out)
	}
}

func TestRunListDeps(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": `image = "img"
convention = "none"
[verbs.build]
run = "make"
[verbs.test-unit]
run  = "go test ./..."
deps = ["build"]
`})
	io, out, _ := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir)}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"VERB", "RUNS", "IMAGE", "FROM"},
		{"test", "build, test-unit", "-", "group"},
		{"test-unit", "go test ./... (after build)", "img", ".gazr.toml:6"},
		{"build", "make", "img", ".gazr.toml:4"},
	}
	if got := rows(out.String()); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
