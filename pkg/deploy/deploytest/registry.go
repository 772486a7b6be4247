package deploytest

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// testRegistry: Registry is the env's registry, or zero when the env has
// none (unless the backend brings its own because it needs one).
func (s *suite) testRegistry(t *testing.T) {
	env := s.env(t)
	b := s.backend(t, env)
	ctx := shortCtx(t)
	reg, err := b.Registry(ctx)
	if err != nil {
		t.Fatalf("Registry: %v", err)
	}
	switch {
	case env.Registry != "" && reg.Host != env.Registry:
		t.Errorf("Registry().Host = %q, want the env's %q", reg.Host, env.Registry)
	case env.Registry == "" && reg.Host != "" && !b.Properties().NeedsRegistry:
		t.Errorf("Registry().Host = %q for an env without registry, from a backend that does not need one", reg.Host)
	}
	checkAuth(t, reg)

	env = s.env(t)
	env.Registry = "registry.invalid:5000"
	reg, err = s.backend(t, env).Registry(ctx)
	if err != nil {
		t.Fatalf("Registry of an env whose registry is %s: %v", env.Registry, err)
	}
	if reg.Host != env.Registry {
		t.Errorf("Registry().Host = %q, want the env's %q", reg.Host, env.Registry)
	}
	checkAuth(t, reg)
}

// checkAuth checks that a registry's Auth is empty or what the Engine API
// takes: base64url of a JSON object.
func checkAuth(t *testing.T, reg deploy.Registry) {
	t.Helper()
	if reg.Auth == "" {
		return
	}
	raw, err := base64.URLEncoding.DecodeString(reg.Auth)
	var obj map[string]any
	if err == nil {
		err = json.Unmarshal(raw, &obj)
	}
	if err != nil {
		t.Errorf("Registry(%s).Auth is not base64url JSON: %v", reg.Host, err)
	}
}
