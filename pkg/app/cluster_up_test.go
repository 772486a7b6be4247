package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

func TestParseUp(t *testing.T) {
	tests := []struct {
		args             []string
		managers, worker int
		wantErr          string
	}{
		{nil, 3, 0, ""},
		{[]string{"workers=2"}, 3, 2, ""},
		{[]string{"managers=5", "workers=4"}, 5, 4, ""},
		{[]string{"managers=0"}, 0, 0, "managers=0: a swarm needs at least one manager (three keep quorum when one is lost)"},
		{[]string{"workers=2", "workers=3"}, 0, 0, "workers= is given twice"},
		{[]string{"workers=-1"}, 0, 0, `"workers=-1": the number of workers must be a whole number, e.g. workers=3`},
		{[]string{"nodes=3"}, 0, 0, `"nodes=3": want managers=<number> or workers=<number>, e.g. gazr cluster up --env pve managers=3 workers=2`},
	}
	for _, tt := range tests {
		m, w, err := parseUp(tt.args)
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("parseUp(%q): error %v, want %q", tt.args, err, tt.wantErr)
			}
		case err != nil || m != tt.managers || w != tt.worker:
			t.Errorf("parseUp(%q) = %d, %d, %v; want %d, %d", tt.args, m, w, err, tt.managers, tt.worker)
		}
	}
}

// TestClusterUp: the backend's changes are printed a line each; when
// there are none, the swarm's numbers with "already up".
func TestClusterUp(t *testing.T) {
	for _, tt := range []struct {
		name, want string
		up         []string
		calls      []string
	}{
		{"changes", "cloned vm 101\njoined\n", []string{"cloned vm 101", "joined"}, []string{"up 3 2"}},
		{"already up", "1 managers, 3 workers: already up\n", nil, []string{"up 3 2", "nodes"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTargets(t, clusterToml)
			ts.props = deploy.Properties{Up: true}
			ts.setup = func(b *fakeBackend) { b.nodes, b.up = clusterNodes(), tt.up }
			io, out, _ := iostreams.Test()
			if err := runClusterUp(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production", Managers: 3, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("stdout %q, want %q", out, tt.want)
			}
			if calls := ts.only().calls; !reflect.DeepEqual(calls, tt.calls) {
				t.Errorf("calls %q, want %q", calls, tt.calls)
			}
			ts.wantInit(false)
		})
	}
}

// TestClusterUpHalfWay: an Up that stops half way still says what it
// did (the next run finishes it), then fails with its error.
func TestClusterUpHalfWay(t *testing.T) {
	ts := newTargets(t, clusterToml)
	ts.props = deploy.Properties{Up: true}
	stopped := errors.New("env production: the engine of VM 100 does not answer")
	ts.setup = func(b *fakeBackend) { b.up, b.clusterErr = []string{"cloned vm 100", "started vm 100"}, stopped }
	io, out, _ := iostreams.Test()
	err := runClusterUp(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production", Managers: 1})
	if !errors.Is(err, stopped) || out.String() != "cloned vm 100\nstarted vm 100\n" {
		t.Errorf("err %v, stdout %q", err, out)
	}
}

// TestClusterUpInterrupted: an Up cut short by Ctrl-C says what it did,
// then gazr exits 130 with one line saying that what was made is kept
// and how to finish, whether the cut-short step's error wraps
// context.Canceled (a PVE call) or not (an ssh command killed), as long
// as the context is cancelled.
func TestClusterUpInterrupted(t *testing.T) {
	for _, tt := range []struct {
		name     string
		err      error
		cancel   bool
		changes  []string
		wantWhat string
	}{
		{"step wraps Canceled", fmt.Errorf("clone VM 101: %w", context.Canceled), false, []string{"cloned vm 100"}, "1 change"},
		{"ssh killed, context cancelled", errors.New("join VM 102: ssh: signal: killed"), true, []string{"cloned vm 100", "cloned vm 101"}, "2 changes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTargets(t, clusterToml)
			ts.props = deploy.Properties{Up: true}
			ts.setup = func(b *fakeBackend) { b.up, b.clusterErr = tt.changes, tt.err }
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			io, out, errOut := iostreams.Test()
			err := runClusterUp(ctx, &ClusterOptions{IO: io, Target: ts.load, Env: "production", Managers: 3})
			var up *upInterruptedError
			if !errors.As(err, &up) || !errors.Is(err, tt.err) {
				t.Fatalf("err %v (%T), want an upInterruptedError wrapping %v", err, err, tt.err)
			}
			if want := strings.Join(tt.changes, "\n") + "\n"; out.String() != want {
				t.Errorf("stdout %q, want %q", out, want)
			}
			if code := exitCode(io, err, os.Interrupt); code != ExitInterrupt {
				t.Errorf("exit code %d, want %d", code, ExitInterrupt)
			}
			want := "gazr: cluster up --env production interrupted after " + tt.wantWhat + ": what it made is kept; run it again to finish " +
				"(a clone PVE had started goes on, and the next run waits for it and uses its VM)\n"
			if errOut.String() != want {
				t.Errorf("stderr %q, want %q", errOut, want)
			}
		})
	}
}
