package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/distribution/reference"
)

// RegistryRefreshMargin is how long before its Expires a registry
// credential is asked for again: a push or a service update that starts
// with it must not outlive it. A backend whose credential expires
// (Properties.RegistryExpires) returns a fresh one when asked within
// this margin.
const RegistryRefreshMargin = 5 * time.Minute

// RegistrySession is the env's registry as one deploy or rollback uses
// it: the credential it holds, asked for again from the backend before a
// use once it is past, or within RegistryRefreshMargin of, its Expires (a
// long build can outlive an ECR token), and the repositories it made sure
// of. It is not safe for concurrent use.
type RegistrySession struct {
	backend Backend
	now     func() time.Time
	held    Registry
	ensured map[string]bool
}

// NewRegistrySession asks b for the env's registry. now is the clock
// (nil: time.Now).
func NewRegistrySession(ctx context.Context, b Backend, now func() time.Time) (*RegistrySession, error) {
	if now == nil {
		now = time.Now
	}
	reg, err := b.Registry(ctx)
	if err != nil {
		return nil, err
	}
	return &RegistrySession{backend: b, now: now, held: reg, ensured: map[string]bool{}}, nil
}

// FixedRegistry is a session holding reg, which it never asks for again.
func FixedRegistry(reg Registry) *RegistrySession {
	return &RegistrySession{now: time.Now, held: reg, ensured: map[string]bool{}}
}

// Host is the registry's host, "" when images are not pushed.
func (s *RegistrySession) Host() string { return s.held.Host }

// Credential returns the registry with a credential good for a use that
// starts now: the one held, or a fresh one from the backend when the held
// one expires within RegistryRefreshMargin.
func (s *RegistrySession) Credential(ctx context.Context) (Registry, error) {
	if !s.expiring() {
		return s.held, nil
	}
	reg, err := s.backend.Registry(ctx)
	if err != nil {
		return Registry{}, fmt.Errorf("renew the credential of registry %s (it expires at %s): %w",
			s.held.Host, s.held.Expires.Format(time.RFC3339), err)
	}
	s.held = reg
	return reg, nil
}

func (s *RegistrySession) expiring() bool {
	if s.backend == nil || s.held.Expires.IsZero() || !s.backend.Properties().RegistryExpires {
		return false
	}
	return !s.now().Before(s.held.Expires.Add(-RegistryRefreshMargin))
}

// EnsureRepository makes sure the repository of image ref exists before
// it is pushed, when the backend wants repositories created
// (Properties.EnsureRepository): once per repository and session. The
// repository is the reference's path, without its host ("shop/web").
func (s *RegistrySession) EnsureRepository(ctx context.Context, ref string) error {
	if s.backend == nil || !s.backend.Properties().EnsureRepository {
		return nil
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return fmt.Errorf("image %s: %w", ref, err)
	}
	repo := reference.Path(named)
	if s.ensured[repo] {
		return nil
	}
	if err := s.backend.EnsureRepository(ctx, repo); err != nil {
		return fmt.Errorf("repository %s: %w", repo, err)
	}
	s.ensured[repo] = true
	return nil
}
