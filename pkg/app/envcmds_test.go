package app

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/iostreams"
)

// TestEnvCommands: status, history, logs, scale and unlock build their
// backend without swarm init (they change nothing, not even the engine's
// swarm state), resolve the env with a did-you-mean, pass the manager's
// error on, and close its client.
func TestEnvCommands(t *testing.T) {
	commands := []struct {
		name    string
		run     func(ctx context.Context, io *iostreams.IOStreams, ts *targets, env string) error
		wantOut string // on an empty swarm
	}{
		{"status", func(ctx context.Context, io *iostreams.IOStreams, ts *targets, env string) error {
			return runStatus(ctx, &StatusOptions{IO: io, Target: ts.load, Env: env})
		}, "shop-staging has no services yet: gazr deploy --env staging"},
		{"history", func(ctx context.Context, io *iostreams.IOStreams, ts *targets, env string) error {
			return runHistory(ctx, &HistoryOptions{IO: io, Target: ts.load, Env: env})
		}, "shop-staging has no deploys yet"},
		{"unlock", func(ctx context.Context, io *iostreams.IOStreams, ts *targets, env string) error {
			return runUnlock(ctx, &UnlockOptions{IO: io, Target: ts.load, Env: env})
		}, "shop-staging is not locked"},
		{"logs", func(ctx context.Context, io *iostreams.IOStreams, ts *targets, env string) error {
			return runLogs(ctx, &LogsOptions{IO: io, Target: ts.load, Env: env, Tail: "all"})
		}, ""},
		{"scale", func(ctx context.Context, io *iostreams.IOStreams, ts *targets, env string) error {
			return runScale(ctx, &ScaleOptions{IO: io, Target: ts.load, Env: env, Replicas: map[string]uint64{"web": 2}})
		}, ""},
	}
	for _, c := range commands {
		t.Run(c.name+"/unknown env", func(t *testing.T) {
			ts := newTargets(t, shopToml)
			io, _, _ := iostreams.Test()
			err := c.run(t.Context(), io, ts, "prodution")
			var usage *UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), `did you mean "production"?`) {
				t.Errorf("error %v, want a usage error suggesting production", err)
			}
		})
		t.Run(c.name+"/manager error", func(t *testing.T) {
			ts := newTargets(t, shopToml)
			ts.err = errManager
			io, _, _ := iostreams.Test()
			if err := c.run(t.Context(), io, ts, "staging"); !errors.Is(err, errManager) {
				t.Errorf("error %v, want the manager's", err)
			}
			ts.wantInit(false)
		})
		if c.wantOut == "" {
			continue // needs services on the swarm: the swarm suites' business
		}
		t.Run(c.name+"/empty swarm", func(t *testing.T) {
			ts := newTargets(t, shopToml)
			io, _, errOut := iostreams.Test()
			if err := c.run(t.Context(), io, ts, "staging"); err != nil {
				t.Fatal(err)
			}
			ts.wantInit(false)
			if !strings.Contains(errOut.String(), c.wantOut) {
				t.Errorf("stderr %q lacks %q", errOut, c.wantOut)
			}
			if !ts.api.(*emptySwarm).closed {
				t.Error("the manager's client was not closed")
			}
		})
	}
}

func TestParseScale(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    map[string]uint64
		wantErr string
	}{
		{"one", []string{"web=3"}, map[string]uint64{"web": 3}, ""},
		{"several, zero", []string{"web=25", "worker=0"}, map[string]uint64{"web": 25, "worker": 0}, ""},
		{"last wins", []string{"web=1", "web=2"}, map[string]uint64{"web": 2}, ""},
		{"none", nil, nil, "scale needs at least one service=replicas, e.g. gazr scale web=3"},
		{"no count", []string{"web"}, nil, `"web": want service=replicas with a whole number, e.g. web=3`},
		{"no name", []string{"=3"}, nil, `"=3": want service=replicas`},
		{"negative", []string{"web=-1"}, nil, `"web=-1": want service=replicas`},
		{"not a number", []string{"web=three"}, nil, `"web=three": want service=replicas`},
		{"too big", []string{"web=99999999999"}, nil, `"web=99999999999": want service=replicas`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseScale(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("parseScale(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestDeployFamilyArgs: argument mistakes are usage errors (exit 2),
// found before any project or env is loaded.
func TestDeployFamilyArgs(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"deploy", "staging"}, `unexpected argument "staging"; the environment is chosen with --env`},
		{[]string{"logs", "web", "db"}, "logs takes at most one service, got 2"},
		{[]string{"scale"}, "scale needs at least one service=replicas"},
		{[]string{"scale", "web"}, `"web": want service=replicas`},
		{[]string{"cluster", "scale", "--env", "staging", "managers=3"}, "scaling managers is not supported: "},
		{[]string{"cluster", "scale", "--env", "staging", "workers=many"}, `"workers=many": the number of workers must be a whole number`},
		{[]string{"cluster", "scale"}, "cluster scale needs workers=<number>"},
		{[]string{"cluster", "status", "staging"}, `unexpected argument "staging"; the environment is chosen with --env`},
		{[]string{"cluster", "apply", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"cluster", "scael"}, `unknown cluster command "scael"; did you mean "scale"? (see gazr cluster --help)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _ := iostreams.Test()
			f := &Factory{IO: io, Dir: t.TempDir()}
			cmd := map[string]runnable{"deploy": newCmdDeploy(f), "logs": newCmdLogs(f), "scale": newCmdScale(f), "cluster": newCmdCluster(f)}[tt.args[0]]
			err := cmd.Run(t.Context(), tt.args)
			var usage *UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want a usage error containing %q", err, tt.wantErr)
			}
		})
	}
}

type runnable interface {
	Run(context.Context, []string) error
}
