package deploy

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"
)

// clock is a test's time, moved by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// tokenBackend is a backend whose registry credential lasts an hour
// (when its properties say it expires): each Registry call hands out the
// next token, "token-1", "token-2"… The calls are logged in order.
type tokenBackend struct {
	Backend
	props Properties
	clock *clock
	calls []string // "registry", "ensure shop/web"
	ttl   time.Duration
}

func newTokenBackend(c *clock, props Properties) *tokenBackend {
	return &tokenBackend{props: props, clock: c, ttl: time.Hour}
}

func (b *tokenBackend) Properties() Properties { return b.props }

func (b *tokenBackend) Registry(context.Context) (Registry, error) {
	b.calls = append(b.calls, "registry")
	reg := Registry{Host: "reg.example", Auth: fmt.Sprintf("token-%d", b.count("registry"))}
	if b.props.RegistryExpires {
		reg.Expires = b.clock.now().Add(b.ttl)
	}
	return reg, nil
}

func (b *tokenBackend) EnsureRepository(_ context.Context, name string) error {
	b.calls = append(b.calls, "ensure "+name)
	return nil
}

func (b *tokenBackend) count(prefix string) int {
	n := 0
	for _, c := range b.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// TestRegistrySessionRenews: the credential is asked for again only once
// it is within the margin of its expiry, and only from a backend whose
// credential expires.
func TestRegistrySessionRenews(t *testing.T) {
	c := &clock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	tests := []struct {
		name      string
		props     Properties
		after     time.Duration // from the session's start
		wantAuth  string
		wantCalls int
	}{
		{"fresh", Properties{RegistryExpires: true}, 10 * time.Minute, "token-1", 1},
		{"just outside the margin", Properties{RegistryExpires: true}, time.Hour - RegistryRefreshMargin - time.Second, "token-1", 1},
		{"within the margin", Properties{RegistryExpires: true}, time.Hour - RegistryRefreshMargin, "token-2", 2},
		{"past it", Properties{RegistryExpires: true}, 3 * time.Hour, "token-2", 2},
		{"a credential that does not expire", Properties{}, 24 * time.Hour, "token-1", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: c.t}
			b := newTokenBackend(clk, tt.props)
			s, err := NewRegistrySession(t.Context(), b, clk.now)
			if err != nil {
				t.Fatal(err)
			}
			clk.advance(tt.after)
			got, err := s.Credential(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if got.Auth != tt.wantAuth || b.count("registry") != tt.wantCalls {
				t.Errorf("Credential = %q after %d Registry calls, want %q after %d", got.Auth, b.count("registry"), tt.wantAuth, tt.wantCalls)
			}
			// The renewed credential is held: asking again at once asks
			// the backend nothing.
			if _, err := s.Credential(t.Context()); err != nil || b.count("registry") != tt.wantCalls {
				t.Errorf("a second Credential made %d Registry calls in all, want %d", b.count("registry"), tt.wantCalls)
			}
		})
	}
}

// pushEngine is a builder whose pushes take an hour each (a big image on
// a slow link) and record the credential they were given.
type pushEngine struct {
	BuildAPI
	clock   *clock
	backend *tokenBackend
	auths   map[string]string // ref → RegistryAuth
}

func (e *pushEngine) ImagePush(_ context.Context, ref string, o client.ImagePushOptions) (client.ImagePushResponse, error) {
	e.auths[ref] = o.RegistryAuth
	e.backend.calls = append(e.backend.calls, "push "+ref)
	e.clock.advance(time.Hour)
	return &pushStream{r: strings.NewReader(`{"status":"v1: digest: sha256:` + strings.Repeat("a", 64) + ` size: 1"}`)}, nil
}

type pushStream struct {
	client.ImagePushResponse
	r io.Reader
}

func (p *pushStream) Read(b []byte) (int, error) { return p.r.Read(b) }
func (p *pushStream) Close() error               { return nil }

func builtProject(services ...string) (*types.Project, map[string]string) {
	var db types.ServiceConfig
	db.Name, db.Image = "db", "postgres:16"
	p := &types.Project{Services: types.Services{"db": db}}
	refs := map[string]string{"db": "postgres:16"}
	for _, s := range services {
		var svc types.ServiceConfig
		svc.Name, svc.Build = s, &types.BuildConfig{Context: "."}
		p.Services[s] = svc
		refs[s] = "reg.example/shop/" + s + ":v1"
	}
	return p, refs
}

// TestPushImagesEnsuresAndRenews: before each push, its repository is
// made sure of (once per run), and a credential that expires meanwhile
// is renewed; an image that is not built is neither.
func TestPushImagesEnsuresAndRenews(t *testing.T) {
	clk := &clock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	b := newTokenBackend(clk, Properties{RegistryExpires: true, EnsureRepository: true})
	s, err := NewRegistrySession(t.Context(), b, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	engine := &pushEngine{clock: clk, backend: b, auths: map[string]string{}}
	p, refs := builtProject("web", "worker")
	if err := PushImages(t.Context(), engine, p, refs, s, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := []string{"registry",
		"ensure shop/web", "push reg.example/shop/web:v1",
		"ensure shop/worker", "registry", "push reg.example/shop/worker:v1"}
	if strings.Join(b.calls, "; ") != strings.Join(want, "; ") {
		t.Errorf("calls:\n%s\nwant\n%s", strings.Join(b.calls, "; "), strings.Join(want, "; "))
	}
	if engine.auths["reg.example/shop/web:v1"] != "token-1" || engine.auths["reg.example/shop/worker:v1"] != "token-2" {
		t.Errorf("push credentials %v, want web token-1 and worker the renewed token-2", engine.auths)
	}
	// A second push in the same run ensures nothing again.
	b.calls = nil
	if err := PushImages(t.Context(), engine, p, refs, s, io.Discard); err != nil {
		t.Fatal(err)
	}
	if n := b.count("ensure"); n != 0 {
		t.Errorf("%d repositories ensured again in the same run, want 0: %v", n, b.calls)
	}
}

// TestPushImagesWithoutEnsure: a registry that creates repositories on
// first push is not asked to, and a credential without expiry is asked
// for once.
func TestPushImagesWithoutEnsure(t *testing.T) {
	clk := &clock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	b := newTokenBackend(clk, Properties{})
	s, err := NewRegistrySession(t.Context(), b, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	engine := &pushEngine{clock: clk, backend: b, auths: map[string]string{}}
	p, refs := builtProject("web", "worker")
	if err := PushImages(t.Context(), engine, p, refs, s, io.Discard); err != nil {
		t.Fatal(err)
	}
	if b.count("ensure") != 0 || b.count("registry") != 1 || engine.auths["reg.example/shop/worker:v1"] != "token-1" {
		t.Errorf("calls %v, auths %v: want no ensure, one Registry call, token-1 throughout", b.calls, engine.auths)
	}
}

// TestEnsureRepositoryPath: the repository is the image reference's path
// without its host, a port and a registry path prefix included.
func TestEnsureRepositoryPath(t *testing.T) {
	for ref, want := range map[string]string{
		"reg.example/shop/web:v1":                                "shop/web",
		"reg.example:5000/shop/web:v1":                           "shop/web",
		"1234.dkr.ecr.eu-west-3.amazonaws.com/team/shop/api:abc": "team/shop/api",
	} {
		b := newTokenBackend(&clock{}, Properties{EnsureRepository: true})
		s := &RegistrySession{backend: b, now: time.Now, ensured: map[string]bool{}}
		if err := s.EnsureRepository(t.Context(), ref); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(b.calls, ","); got != "ensure "+want {
			t.Errorf("EnsureRepository(%s): %s, want ensure %s", ref, got, want)
		}
	}
}
