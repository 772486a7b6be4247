package plan_test

import (
	"fmt"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/plan"
)

// bigEnvConfig is a project whose verb sets n env entries, one of which
// replaces a gazr-set variable (HOME).
func bigEnvConfig(n int) *config.Config {
	env := make(map[string]string, n)
	for i := range n - 1 {
		env[fmt.Sprintf("VAR_%06d", i)] = "v"
	}
	env["HOME"] = "/home/me"
	return &config.Config{Root: "/src/app", Name: "app", Image: "busybox", Pos: map[string]config.Position{},
		Verbs: map[string]*config.Verb{"build": {Run: []string{"true"}, Env: env}}}
}

// TestResolveBigEnv: every entry of a large env reaches the step once, and
// the verb's HOME replaces gazr's in place.
func TestResolveBigEnv(t *testing.T) {
	const n = 5000
	p, err := plan.Resolve(bigEnvConfig(n), nil, "build", plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := p.Steps[0].Env
	if got, want := len(env), n+6; got != want { // + GAZR_* (6), HOME replaced
		t.Fatalf("%d variables, want %d", got, want)
	}
	if env[0].Name != "HOME" || env[0].Value != "/home/me" {
		t.Errorf("first variable %v, want the verb's HOME", env[0])
	}
	seen := map[string]bool{}
	for _, e := range env {
		if seen[e.Name] {
			t.Fatalf("%s twice", e.Name)
		}
		seen[e.Name] = true
	}
}

// BenchmarkResolveEnv100k resolves a verb with 100,000 env entries.
func BenchmarkResolveEnv100k(b *testing.B) {
	cfg := bigEnvConfig(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.Resolve(cfg, nil, "build", plan.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
