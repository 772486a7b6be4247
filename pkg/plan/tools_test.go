package plan_test

import (
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/plan"
)

// TestResolveTools: a convention verb with tools gets their check before
// its commands and their pinned versions in env, which the verb's env
// overrides; a project's own run gets neither.
func TestResolveTools(t *testing.T) {
	t.Setenv("GAZR_IMAGE_GO", "")
	conv, err := convention.ByName("go")
	if err != nil {
		t.Fatal(err)
	}
	pinned := conv.Tools["gocyclo"].Version
	tests := []struct {
		name, cfg   string
		wantVersion string // "" when GOCYCLO_VERSION must be absent
		wantCheck   bool
	}{
		{"convention", "", pinned, true},
		{"project pins another version", "[verbs.complexity.env]\nGOCYCLO_VERSION = \"v0.5.1\"\n", "v0.5.1", true},
		{"project's own run", "[verbs.complexity]\nrun = \"my-cyclo\"\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Resolve(parse(t, tt.cfg), conv, "complexity", plan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := p.Steps[0]
			var got string
			for _, e := range s.Env {
				if e.Name == "GOCYCLO_VERSION" {
					got = e.Value
				}
			}
			if got != tt.wantVersion {
				t.Errorf("GOCYCLO_VERSION = %q, want %q", got, tt.wantVersion)
			}
			hasCheck := strings.Contains(s.Script(), "go install github.com/fzipp/gocyclo/cmd/gocyclo@")
			if hasCheck != tt.wantCheck || (s.ToolCheck.Value != "") != tt.wantCheck {
				t.Errorf("tool check in script = %v, want %v:\n%s", hasCheck, tt.wantCheck, s.Script())
			}
			if tt.wantCheck && strings.Index(s.Script(), "go install") > strings.Index(s.Script(), "gocyclo -over") {
				t.Errorf("the check must run before the commands:\n%s", s.Script())
			}
		})
	}
}

// TestResolveNotDefinedReason: the error for a conditional verb says why.
func TestResolveNotDefinedReason(t *testing.T) {
	conv, err := convention.ByName("go")
	if err != nil {
		t.Fatal(err)
	}
	_, err = plan.Resolve(parse(t, ""), conv, "test-integration", plan.Options{})
	if err == nil || !strings.Contains(err.Error(), "no `integration` build tag in *_test.go") {
		t.Errorf("err = %v, want the reason", err)
	}
}
