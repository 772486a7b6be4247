package deploytest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// testCheck: Check is ErrNotSupported unless Properties().Check; then it
// finds nothing failing on the harness's working cluster, and reports an
// unreachable manager as a failing finding with a fix, not as an error.
func (s *suite) testCheck(t *testing.T) {
	b := s.backend(t, s.env(t))
	if !b.Properties().Check {
		_, err := b.Check(shortCtx(t))
		wantErr(t, "Check with Properties().Check false", err, deploy.ErrNotSupported)
		return
	}
	s.run(t, "Check/Healthy", func(t *testing.T) {
		fs := s.check(t, b, shortCtx(t))
		for _, f := range fs {
			if f.Level == deploy.Failure {
				t.Errorf("Check of the harness's working cluster: %s failed: %s (fix: %s)", f.Name, f.Detail, f.Fix)
			}
		}
	})
	s.run(t, "Check/Unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // a port that refuses connections
		env := s.env(t)
		env.Manager, env.Insecure, env.TLS = "tcp://"+addr, true, config.TLS{}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		fs := s.check(t, s.backend(t, env), ctx)
		if deploy.Worst(fs) != deploy.Failure {
			t.Errorf("Check with the manager at a closed port %s: no failing finding in %+v", addr, fs)
		}
	})
}

// check runs b.Check and checks the findings' form: at least one, each
// named and described, with a fix unless it is OK.
func (s *suite) check(t *testing.T, b deploy.Backend, ctx context.Context) []deploy.Finding {
	t.Helper()
	fs, err := b.Check(ctx)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(fs) == 0 {
		t.Fatal("Check: no finding")
	}
	for _, f := range fs {
		t.Logf("finding %s (%s): %s", f.Name, f.Level, f.Detail)
		if f.Name == "" || f.Detail == "" {
			t.Errorf("Check: finding %+v without a name or detail", f)
		}
		if f.Level != deploy.OK && f.Fix == "" {
			t.Errorf("Check: finding %s (%s) is not OK and has no fix", f.Name, f.Detail)
		}
	}
	return fs
}
