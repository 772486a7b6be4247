package app

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// clusterToml has an aws env with a schedule of workers.
const clusterToml = shopToml + `[env.production.aws]
region = "eu-west-3"
schedule = [{ cron = "0 7 * * 1-5", workers = 25, tz = "Europe/Paris" }, { cron = "0 20 * * *", workers = 3, tz = "Europe/Paris" }]
`

// clusterRun is the run function of a cluster command.
type clusterRun func(ctx context.Context, opts *ClusterOptions) error

// TestClusterUnsupported: a command the env's backend cannot do says so
// in one line, a usage error (exit 2), and asks the backend nothing.
func TestClusterUnsupported(t *testing.T) {
	for name, run := range map[string]clusterRun{
		"scale": func(ctx context.Context, o *ClusterOptions) error { o.Workers = 3; return runClusterScale(ctx, o) },
		"apply": runClusterApply, "prune": runClusterPrune, "check": runClusterCheck,
		"up": func(ctx context.Context, o *ClusterOptions) error { o.Managers = 3; return runClusterUp(ctx, o) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTargets(t, shopToml)
			io, out, _ := iostreams.Test()
			err := run(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "staging"})
			var usage *UsageError
			want := "env staging (backend fake): cluster " + name + " is not supported by the fake backend"
			if !errors.As(err, &usage) || err.Error() != want {
				t.Errorf("error %v, want a usage error %q", err, want)
			}
			if calls := ts.only().calls; len(calls) != 0 || out.Len() != 0 {
				t.Errorf("backend calls %q, stdout %q: want none", calls, out)
			}
			ts.wantInit(false)
		})
	}
}

// TestClusterErrors: an unknown env is a usage error with a suggestion,
// and the backend's error passes on.
func TestClusterErrors(t *testing.T) {
	all := deploy.Properties{ScaleNodes: true, Schedule: true, PruneNodes: true, Check: true}
	errBackend := errors.New("helper exited (fake)")
	for name, run := range map[string]clusterRun{
		"status": runClusterStatus, "scale": func(ctx context.Context, o *ClusterOptions) error { o.Yes = true; return runClusterScale(ctx, o) },
		"apply": runClusterApply, "prune": runClusterPrune,
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTargets(t, shopToml)
			ts.props = all
			io, _, _ := iostreams.Test()
			err := run(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "prodution"})
			if !strings.Contains(err.Error(), `did you mean "production"?`) {
				t.Errorf("unknown env: %v, want a suggestion", err)
			}
			ts.setup = func(b *fakeBackend) { b.clusterErr = errBackend }
			if err := run(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production"}); !errors.Is(err, errBackend) {
				t.Errorf("error %v, want the backend's", err)
			}
		})
	}
}

// TestClusterScale: the workers are counted before (a gone machine is
// not a worker), removing some asks first, and the result says what
// changed — or that nothing did.
func TestClusterScale(t *testing.T) {
	tests := []struct {
		name      string
		want      int
		yes, tty  bool
		answer    string
		wantOut   string
		wantErr   string
		wantUsage bool
		wantCalls []string
	}{
		{name: "out", want: 4, wantOut: "workers: 3 → 4\n", wantCalls: []string{"nodes", "scale 4"}},
		{name: "same", want: 3, wantOut: "workers: already 3\n", wantCalls: []string{"nodes", "scale 3"}},
		{name: "in with --yes", want: 1, yes: true, wantOut: "workers: 3 → 1\n", wantCalls: []string{"nodes", "scale 1"}},
		{name: "in on a terminal, yes", want: 1, tty: true, answer: "y\n", wantOut: "workers: 3 → 1\n", wantCalls: []string{"nodes", "scale 1"}},
		{name: "in on a terminal, no", want: 0, tty: true, answer: "\n", wantErr: "cluster scale of production cancelled: nothing changed", wantCalls: []string{"nodes"}},
		{name: "in without a terminal", want: 2, wantUsage: true, wantErr: "scaling production from 3 to 2 workers removes 1: pass --yes to do so without a terminal", wantCalls: []string{"nodes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTargets(t, clusterToml)
			ts.props = deploy.Properties{ScaleNodes: true}
			ts.setup = func(b *fakeBackend) { b.nodes = clusterNodes() }
			io, out, errOut := iostreams.Test()
			io.StdinTTY = tt.tty
			io.In = strings.NewReader(tt.answer)
			err := runClusterScale(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production", Workers: tt.want, Yes: tt.yes})
			var usage *UsageError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr || errors.As(err, &usage) != tt.wantUsage):
				t.Fatalf("error %v, want %q (usage error: %v)", err, tt.wantErr, tt.wantUsage)
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", out, tt.wantOut)
			}
			if calls := ts.only().calls; !reflect.DeepEqual(calls, tt.wantCalls) {
				t.Errorf("backend calls %q, want %q", calls, tt.wantCalls)
			}
			if asked := strings.Contains(errOut.String(), "Remove "); asked != tt.tty {
				t.Errorf("asked = %v, want %v: %q", asked, tt.tty, errOut)
			}
			ts.wantInit(false)
		})
	}
}

// TestClusterScaleAfterScaleIn: workers still shutting down after a scale
// in are not counted, so scaling out again says the change it makes, not
// "already".
func TestClusterScaleAfterScaleIn(t *testing.T) {
	ts := newTargets(t, clusterToml)
	ts.props = deploy.Properties{ScaleNodes: true}
	ts.setup = func(b *fakeBackend) {
		b.nodes = clusterNodes()[:1]
		for _, id := range []string{"i-0w5", "i-0w6"} {
			b.nodes = append(b.nodes, deploy.Node{Instance: id, Machine: deploy.MachineStopping, Group: "swarm-worker-production-asg"})
		}
	}
	io, out, _ := iostreams.Test()
	if err := runClusterScale(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production", Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "workers: 0 → 2\n" {
		t.Errorf("stdout %q, want workers: 0 → 2", out)
	}
}

func TestParseWorkers(t *testing.T) {
	tests := []struct {
		in      []string
		want    int
		wantErr string
	}{
		{[]string{"workers=4"}, 4, ""},
		{[]string{"workers=0"}, 0, ""},
		{nil, 0, "cluster scale needs workers=<number>, e.g. gazr cluster scale --env staging workers=4"},
		{[]string{"workers=2", "workers=3"}, 0, "cluster scale takes one workers=<number>, got 2 arguments"},
		{[]string{"managers=5"}, 0, "scaling managers is not supported: "},
		{[]string{"web=3"}, 0, `"web=3": want workers=<number>, e.g. workers=4`},
		{[]string{"workers"}, 0, `"workers": want workers=<number>`},
		{[]string{"workers=-1"}, 0, `"workers=-1": the number of workers must be a whole number, 0 or more`},
		{[]string{"workers=four"}, 0, `"workers=four": the number of workers must be a whole number`},
		{[]string{"workers=99999999999"}, 0, `"workers=99999999999": the number of workers must be a whole number`},
	}
	for _, tt := range tests {
		got, err := parseWorkers(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("parseWorkers(%q) = %v, want error %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseWorkers(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// TestClusterApplyPrune: each change or removed node a line on stdout,
// or one line saying there was nothing to do.
func TestClusterApplyPrune(t *testing.T) {
	gone := clusterNodes()[3]
	tests := []struct {
		name    string
		run     clusterRun
		setup   func(*fakeBackend)
		wantOut string
	}{
		{"apply", runClusterApply, func(b *fakeBackend) {
			b.applied = []string{"created gazr-production-2: 0 20 * * * (Europe/Paris) → 3 workers"}
		}, "created gazr-production-2: 0 20 * * * (Europe/Paris) → 3 workers\n"},
		{"apply, in force", runClusterApply, func(*fakeBackend) {}, "schedule already in force\n"},
		{"prune", runClusterPrune, func(b *fakeBackend) { b.pruned = []deploy.Node{gone} }, "removed node ip-10-0-2-9 (w3, machine i-0w3)\n"},
		{"prune, nothing", runClusterPrune, func(*fakeBackend) {}, "nothing to prune\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTargets(t, clusterToml)
			ts.props = deploy.Properties{Schedule: true, PruneNodes: true}
			ts.setup = tt.setup
			io, out, _ := iostreams.Test()
			if err := tt.run(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production"}); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", out, tt.wantOut)
			}
			ts.wantInit(false)
		})
	}
}

// TestClusterCheck: the findings as gazr doctor --env shows them, and a
// failure (not a warning) fails the command.
func TestClusterCheck(t *testing.T) {
	ok := deploy.Finding{Name: "credentials", Level: deploy.OK, Detail: "profile shop"}
	warn := deploy.Finding{Name: "schedule", Level: deploy.Warning, Detail: "not in force", Fix: "gazr cluster apply --env production"}
	fail := deploy.Finding{Name: "managers", Level: deploy.Failure, Detail: "no instance tagged Name=SwarmManager-production", Fix: "tag the managers"}
	for _, tt := range []struct {
		name     string
		findings []deploy.Finding
		wantErr  string
	}{
		{"warning", []deploy.Finding{ok, warn}, ""},
		{"failure", []deploy.Finding{ok, warn, fail}, "1 of 3 checks of env production failed: apply the fixes above, then run gazr cluster check --env production again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTargets(t, clusterToml)
			ts.props, ts.finds = deploy.Properties{Check: true}, tt.findings
			io, out, _ := iostreams.Test()
			err := runClusterCheck(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production"})
			if (tt.wantErr == "" && err != nil) || (tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			var doctorOut strings.Builder
			printResults(&doctorOut, io.ColorScheme(), envChecks(t.Context(), ts.load, "production"))
			if out.String() != doctorOut.String() || !strings.Contains(out.String(), "! env production schedule: not in force\n    fix: gazr cluster apply") {
				t.Errorf("stdout:\n%s\nwant as gazr doctor --env shows it:\n%s", out, doctorOut.String())
			}
		})
	}
}

// TestClusterUnreachable: the local backend's unreachable manager is
// named as the env's manager or DOCKER_HOST; another backend's error,
// which names the endpoints it found and tried, passes unchanged. Both
// exit 125.
func TestClusterUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/gazr.sock")
	for env, want := range map[string]string{
		"staging":    "env staging: cannot reach the swarm manager at unix:///nonexistent/gazr.sock: ",
		"production": "env production: swarm manager unreachable: 10.0.1.5: connect to host 10.0.1.5 port 22: Connection refused",
	} {
		ts := newTargets(t, shopToml)
		ts.setup = func(b *fakeBackend) {
			b.clusterErr = fmt.Errorf("env %s: %w: 10.0.1.5: connect to host 10.0.1.5 port 22: Connection refused", env, deploy.ErrUnreachable)
		}
		io, _, errOut := iostreams.Test()
		err := runClusterStatus(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: env})
		if !strings.HasPrefix(fmt.Sprint(err), want) {
			t.Errorf("env %s: error %v, want %q…", env, err, want)
		}
		if code := exitCode(io, err, nil); code != ExitEngine {
			t.Errorf("env %s: exit code %d, want %d (%s)", env, code, ExitEngine, errOut)
		}
	}
}
