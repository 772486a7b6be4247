package convention_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
)

const taskfileYAML = `version: '3'
tasks:
  test:
    desc: unit tests
    cmds: [go test ./...]
  lint: golangci-lint run
  gen:
    internal: true
    generates: [gen/*.go]
  "start:*": echo {{index .MATCH 0}}
  it's: echo quoted
`

func TestDetectTaskfile(t *testing.T) {
	tests := []struct {
		name       string
		files      map[string]string
		want       string
		detectedBy string
		base       string
	}{
		{"Taskfile alone", map[string]string{"Taskfile.yml": taskfileYAML}, "taskfile", "Taskfile.yml", ""},
		{"Taskfile beside go.mod", map[string]string{"Taskfile.yml": taskfileYAML, "go.mod": ""}, "taskfile", "Taskfile.yml", "go"},
		{"Taskfile.dist.yaml", map[string]string{"Taskfile.dist.yaml": taskfileYAML}, "taskfile", "Taskfile.dist.yaml", ""},
		{"Taskfile wins over a gazr Makefile", map[string]string{"Taskfile.yml": taskfileYAML, "Makefile": gazrMakefile}, "taskfile", "Taskfile.yml", ""},
		{"a Taskfile of internal tasks only leaves the Makefile", map[string]string{
			"Taskfile.yml": "version: '3'\ntasks:\n  a:\n    internal: true\n", "Makefile": gazrMakefile}, "make", "Makefile", ""},
		{"a Taskfile without tasks leaves the language", map[string]string{"Taskfile.yml": "version: '3'\n", "go.mod": ""}, "go", "go.mod", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := convention.Detect(project(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			if c == nil || c.Name != tt.want || c.DetectedBy != tt.detectedBy || c.Base != tt.base {
				t.Fatalf("Detect = %+v, want %s by %s with base %q", c, tt.want, tt.detectedBy, tt.base)
			}
		})
	}
}

func TestTaskfileVerbs(t *testing.T) {
	t.Setenv("GAZR_IMAGE_TASKFILE", "mirror/debian")
	c, err := convention.Detect(project(t, map[string]string{"Taskfile.yml": taskfileYAML}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]convention.Verb{
		"test": {Run: []string{"/gazr/bin/gazr-task test --"}, Description: "unit tests", Task: "test", Origin: "Taskfile.yml:3"},
		"lint": {Run: []string{"/gazr/bin/gazr-task lint --"}, Task: "lint", Origin: "Taskfile.yml:6"},
		"it's": {Run: []string{`/gazr/bin/gazr-task 'it'\''s' --`}, Task: "it's", Origin: "Taskfile.yml:11"},
	}
	if !reflect.DeepEqual(c.Verbs, want) {
		t.Errorf("Verbs =\n%v\nwant\n%v", c.Verbs, want)
	}
	if got := strings.Join(c.Extra, ","); got != "lint,it's" {
		t.Errorf("Extra = %s, want lint,it's (internal and wildcard tasks left out, verbs not extra)", got)
	}
	if got := strings.Join(c.Outputs, ","); got != "gen/*.go" {
		t.Errorf("Outputs = %s, want every task's generates, internal ones too", got)
	}
	if c.Image != "mirror/debian" || c.ImageOrigin != "$GAZR_IMAGE_TASKFILE" {
		t.Errorf("Image = %s (%s), want the override", c.Image, c.ImageOrigin)
	}
}

func TestDetectBrokenTaskfile(t *testing.T) {
	root := project(t, map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  a: [\n"})
	_, err := convention.Detect(root)
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Pos.Line != 4 {
		t.Fatalf("Detect of a broken Taskfile = %v, want a *config.Error at line 4", err)
	}
}

func TestAt(t *testing.T) {
	root := project(t, map[string]string{"Taskfile.yml": taskfileYAML, "Makefile": gazrMakefile, "go.mod": ""})
	mk, err := convention.At(root, "make")
	if err != nil {
		t.Fatal(err)
	}
	if mk.Name != "make" || mk.Base != "go" || mk.Verbs["build"].Run[0] != "make build" || mk.DetectedBy != "" {
		t.Errorf("At(make) = %+v, want the Makefile's verbs in go's image, named by the config", mk)
	}
	goConv, err := convention.At(root, "go")
	if err != nil || goConv.Verbs["test-unit"].Run[0] != "go test ./..." {
		t.Errorf("At(go) = %+v, %v", goConv, err)
	}
	if _, err := convention.At(project(t, nil), "taskfile"); err == nil || !strings.Contains(err.Error(), "needs a Taskfile.yml") {
		t.Errorf("At(taskfile) without one: %v", err)
	}
	if _, err := convention.At(project(t, map[string]string{"Makefile": "all:\n"}), "make"); err == nil || !strings.Contains(err.Error(), "Makefile defines no verb") {
		t.Errorf("At(make) without verb targets: %v", err)
	}
}
