package local

import (
	"strings"
	"testing"

	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// TestSwarmFinding: Check grades each swarm state, with a fix that fits
// the env (the local engine can be made a swarm by a deploy; a remote
// manager cannot).
func TestSwarmFinding(t *testing.T) {
	tests := []struct {
		name    string
		manager string
		sw      swarm.Info
		want    deploy.Level
		wantFix string
	}{
		{"manager", "", swarm.Info{LocalNodeState: swarm.LocalNodeStateActive, ControlAvailable: true, Nodes: 3, Managers: 1}, deploy.OK, ""},
		{"worker", "ssh://w", swarm.Info{LocalNodeState: swarm.LocalNodeStateActive}, deploy.Failure, "point manager in [env.staging] at a manager node"},
		{"no swarm, local engine", "", swarm.Info{LocalNodeState: swarm.LocalNodeStateInactive}, deploy.Warning, "gazr deploy --env staging makes it a single-node swarm"},
		{"no swarm, remote", "ssh://m", swarm.Info{LocalNodeState: swarm.LocalNodeStateInactive}, deploy.Failure, "docker swarm init"},
		{"locked", "", swarm.Info{LocalNodeState: swarm.LocalNodeStateLocked}, deploy.Failure, "docker swarm unlock"},
		{"error", "", swarm.Info{LocalNodeState: swarm.LocalNodeStateError, Error: "raft"}, deploy.Failure, "docker info"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Backend{env: &config.Environment{Name: "staging", Manager: tt.manager}}
			f := b.swarmFinding(tt.sw)
			if f.Name != "swarm" || f.Level != tt.want || f.Detail == "" {
				t.Errorf("finding %+v, want level %s", f, tt.want)
			}
			if tt.want != deploy.OK && !strings.Contains(f.Fix, tt.wantFix) {
				t.Errorf("fix %q lacks %q", f.Fix, tt.wantFix)
			}
		})
	}
}

// TestNewFromOptions: the backend takes its settings from its options.
func TestNewFromOptions(t *testing.T) {
	env := &config.Environment{Name: "staging"}
	b, err := New(deploy.BackendOptions{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if lb := b.(*Backend); lb.log == nil || lb.mayInit || lb.env != env {
		t.Errorf("New without Log nor MayInitSwarm: %+v", lb)
	}
	var log strings.Builder
	b, _ = New(deploy.BackendOptions{Env: env, Log: &log, MayInitSwarm: true})
	if lb := b.(*Backend); lb.log != &log || !lb.mayInit {
		t.Errorf("New with Log and MayInitSwarm: %+v", lb)
	}
}

// TestNewRefusesPlainTCP: New refuses the env deploy.ResolveEndpoint
// refuses, before anything is contacted.
func TestNewRefusesPlainTCP(t *testing.T) {
	env := &config.Environment{Name: "staging", Manager: "tcp://m1:2375"}
	if _, err := New(deploy.BackendOptions{Env: env}); err == nil || !strings.Contains(err.Error(), "insecure = true") {
		t.Fatalf("New of a plain tcp:// manager: %v", err)
	}
}
