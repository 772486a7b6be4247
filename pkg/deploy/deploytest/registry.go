package deploytest

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

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
	checkExpires(t, b.Properties(), reg)

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

// checkExpires checks that a credential that expires says when, and is
// not already expired, and that one that does not expire says nothing.
func checkExpires(t *testing.T, p deploy.Properties, reg deploy.Registry) {
	t.Helper()
	switch {
	case !p.RegistryExpires && !reg.Expires.IsZero():
		t.Errorf("Registry().Expires = %s from a backend whose Properties().RegistryExpires is false", reg.Expires)
	case p.RegistryExpires && reg.Host != "" && !reg.Expires.After(time.Now()):
		t.Errorf("Registry().Expires = %v with Properties().RegistryExpires: want a time to come", reg.Expires)
	}
}

// testEnsureRepository: EnsureRepository is ErrNotSupported unless
// Properties().EnsureRepository; then it creates a repository, and
// ensuring it again is no error.
func (s *suite) testEnsureRepository(t *testing.T) {
	b := s.backend(t, s.env(t))
	name := "gazr-conformance/" + s.id
	if !b.Properties().EnsureRepository {
		wantErr(t, "EnsureRepository with Properties().EnsureRepository false", b.EnsureRepository(shortCtx(t), name), deploy.ErrNotSupported)
		return
	}
	reg, err := b.Registry(shortCtx(t))
	if err != nil {
		t.Fatalf("Registry: %v", err)
	}
	if reg.Host == "" {
		t.Fatal("Properties().EnsureRepository with no registry (Registry().Host empty)")
	}
	for _, call := range []string{"first", "second"} {
		if err := b.EnsureRepository(shortCtx(t), name); err != nil {
			t.Fatalf("EnsureRepository(%s), %s call: %v", name, call, err)
		}
	}
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
