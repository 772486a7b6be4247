package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// TestTargetLoader: the env is resolved with a did-you-mean, and its
// backend is built by the factory of its backend from options: the
// command's progress writer, its init permission, the env itself.
func TestTargetLoader(t *testing.T) {
	ts := newTargets(t, shopToml)
	_, err := ts.load("stagng", mayInit)
	var usage *UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), `no environment named "stagng"; did you mean "staging"?; known: local, production, staging`) {
		t.Errorf("unknown env: %v, want a usage error with a suggestion and the known envs", err)
	}
	if len(ts.built) != 0 {
		t.Errorf("unknown env: %d backends built", len(ts.built))
	}
	for _, initSwarm := range []swarmInit{noInit, mayInit} {
		ts.built = nil
		tg, err := ts.load("production", initSwarm)
		if err != nil {
			t.Fatal(err)
		}
		b := ts.only()
		if b.opts.Env != tg.Env || tg.Env.Name != "production" || tg.Backend != b {
			t.Errorf("target %+v: backend built for env %v", tg, b.opts.Env)
		}
		if b.opts.Log == nil {
			t.Error("backend built without a progress writer")
		}
		ts.wantInit(bool(initSwarm))
	}
	none := targetLoader(func() (*Project, error) { return ts.project, nil }, map[string]deploy.Factory{"local": nil}, nil)
	if _, err := none("production", noInit); err == nil || !strings.Contains(err.Error(), "the aws backend is not available in this version of gazr (available: local)") {
		t.Errorf("env of a backend this build lacks: %v", err)
	}
}

// TestRunDeploy: a deploy may initialise a swarm, a dry run may not; envs
// that confirm ask on a terminal, refuse without one, and --yes or a dry
// run skips the question.
func TestRunDeploy(t *testing.T) {
	tests := []struct {
		name           string
		env, stdin     string
		dryRun, yes    bool
		tty            bool
		wantInit       bool
		wantDeploy     bool
		wantErr, wantO string
	}{
		{name: "deploy", env: "staging", wantInit: true, wantDeploy: true, wantO: "✔ deployed shop-staging v2"},
		{name: "dry run", env: "staging", dryRun: true, wantDeploy: true, wantO: "dry run, nothing changed\n+ service web"},
		{name: "confirm without a terminal", env: "production", wantInit: true, wantErr: "env production asks for confirmation: pass --yes to deploy without a terminal"},
		{name: "confirm with --yes", env: "production", yes: true, wantInit: true, wantDeploy: true, wantO: "✔ deployed"},
		{name: "confirm answered yes", env: "production", tty: true, stdin: "y\n", wantInit: true, wantDeploy: true, wantO: "Deploy shop to production? [y/N] "},
		{name: "confirm answered no", env: "production", tty: true, stdin: "\n", wantInit: true, wantErr: "deploy to production cancelled"},
		{name: "dry run does not confirm", env: "production", dryRun: true, wantDeploy: true, wantO: "dry run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTargets(t, shopToml)
			io, out, errOut := iostreams.Test()
			io.StdinTTY = tt.tty
			io.In = strings.NewReader(tt.stdin)
			var got *deploy.Options
			opts := &DeployOptions{IO: io, Target: ts.load, Env: tt.env, DryRun: tt.dryRun, Yes: tt.yes,
				Deploy: func(_ context.Context, o deploy.Options) (*deploy.Result, error) {
					got = &o
					return &deploy.Result{Namespace: "shop-" + o.Env.Name, Version: "v2", Changes: []deploy.Change{{Op: "+", Kind: "service", Name: "web"}}}, nil
				}}
			err := runDeploy(t.Context(), opts)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			ts.wantInit(tt.wantInit)
			if (got != nil) != tt.wantDeploy {
				t.Fatalf("deploy called: %v, want %v", got != nil, tt.wantDeploy)
			}
			if got != nil && (got.Backend != ts.only() || got.DryRun != tt.dryRun || got.Env.Name != tt.env) {
				t.Errorf("deploy options: backend %v, dry run %v, env %s", got.Backend, got.DryRun, got.Env.Name)
			}
			if all := out.String() + errOut.String(); !strings.Contains(all, tt.wantO) {
				t.Errorf("output %q lacks %q", all, tt.wantO)
			}
		})
	}
}

// TestRunRollback: a rollback builds its backend without swarm init,
// confirms as a deploy does, and passes --to on.
func TestRunRollback(t *testing.T) {
	ts := newTargets(t, shopToml)
	io, _, errOut := iostreams.Test()
	var got deploy.RollbackOptions
	rollback := func(_ context.Context, o deploy.RollbackOptions) (*deploy.Result, error) {
		got = o
		return &deploy.Result{Namespace: "shop-staging", Version: o.To, Previous: "v2"}, nil
	}
	err := runRollback(t.Context(), &RollbackOptions{IO: io, Target: ts.load, Rollback: rollback, Env: "staging", To: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	ts.wantInit(false)
	if got.To != "v1" || got.Backend != ts.only() || got.Project != "shop" {
		t.Errorf("rollback options %+v", got)
	}
	if !strings.Contains(errOut.String(), "rolled shop-staging back to v1") {
		t.Errorf("stderr %q", errOut)
	}

	ts = newTargets(t, shopToml)
	called := false
	err = runRollback(t.Context(), &RollbackOptions{IO: io, Target: ts.load, Env: "production",
		Rollback: func(context.Context, deploy.RollbackOptions) (*deploy.Result, error) { called = true; return nil, nil }})
	var usage *UsageError
	if !errors.As(err, &usage) || called {
		t.Errorf("rollback of a confirming env without a terminal: error %v, rolled back %v", err, called)
	}
}
