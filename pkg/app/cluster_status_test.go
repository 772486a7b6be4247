package app

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

func clusterNodes() []deploy.Node {
	return []deploy.Node{
		{ID: "m1", Hostname: "ip-10-0-1-5", Addr: "10.0.1.5", Manager: true, Ready: true, Joined: true,
			Instance: "i-0m1", Machine: deploy.MachineRunning, Group: "swarm-manager-production-asg", Host: "eu-west-3a"},
		{ID: "w1", Hostname: "ip-10-0-2-7", Addr: "10.0.2.7", Ready: true, Joined: true,
			Instance: "i-0w1", Machine: deploy.MachineRunning, Group: "swarm-worker-production-asg", Host: "eu-west-3b"},
		{ID: "w2", Hostname: "ip-10-0-2-8", Addr: "10.0.2.8", Drained: true, Joined: true,
			Instance: "i-0w2", Machine: deploy.MachineRunning, Group: "swarm-worker-production-asg", Host: "eu-west-3a"},
		{ID: "w3", Hostname: "ip-10-0-2-9", Addr: "10.0.2.9", Joined: true,
			Instance: "i-0w3", Machine: deploy.MachineGone, Group: "swarm-worker-production-asg", Host: "eu-west-3c"},
		{Instance: "i-0w4", Machine: deploy.MachinePending, Group: "swarm-worker-production-asg", Host: "eu-west-3b"},
	}
}

// inForce: gazr's morning change as configured, its evening one at 2
// workers instead of 3, and a change gazr did not write.
func inForce() []deploy.ScheduledChange {
	next := time.Date(2025, 6, 3, 5, 0, 0, 0, time.UTC)
	return []deploy.ScheduledChange{
		{Name: "gazr-production-1", Cron: "0 7 * * 1-5", TZ: "Europe/Paris", Workers: 25, Next: next, Managed: true},
		{Name: "gazr-production-2", Cron: "0 20 * * *", TZ: "Europe/Paris", Workers: 2, Managed: true},
		{Name: "ops-weekend", Cron: "0 0 * * 6", Workers: 1},
	}
}

// TestClusterStatus: one row per node and machine, with its swarm state;
// the schedule in force, compared with the configured one.
func TestClusterStatus(t *testing.T) {
	ts := newTargets(t, clusterToml)
	ts.props = deploy.Properties{Schedule: true}
	ts.setup = func(b *fakeBackend) { b.nodes, b.schedule = clusterNodes(), inForce() }
	io, out, _ := iostreams.Test()
	if err := runClusterStatus(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production"}); err != nil {
		t.Fatal(err)
	}
	ts.wantInit(false)
	got := rows(out.String())
	want := [][]string{
		{"NODE", "ROLE", "SWARM", "MACHINE", "INSTANCE", "GROUP", "HOST", "ADDRESS"},
		{"ip-10-0-1-5", "manager", "ready", "running", "i-0m1", "swarm-manager-production-asg", "eu-west-3a", "10.0.1.5"},
		{"ip-10-0-2-7", "worker", "ready", "running", "i-0w1", "swarm-worker-production-asg", "eu-west-3b", "10.0.2.7"},
		{"ip-10-0-2-8", "worker", "drained", "running", "i-0w2", "swarm-worker-production-asg", "eu-west-3a", "10.0.2.8"},
		{"ip-10-0-2-9", "worker", "down", "gone", "i-0w3", "swarm-worker-production-asg", "eu-west-3c", "10.0.2.9"},
		{"-", "worker", "not joined", "pending", "i-0w4", "swarm-worker-production-asg", "eu-west-3b", "-"},
		{"SCHEDULE", "CRON", "TZ", "WORKERS", "NEXT", "SET BY"},
		{"gazr-production-1", "0 7 * * 1-5", "Europe/Paris", "25", paris("2025-06-03 07:00 CEST"), "gazr"},
		{"gazr-production-2", "0 20 * * *", "Europe/Paris", "2", "-", "gazr"},
		{"ops-weekend", "0 0 * * 6", "UTC", "1", "-", "other"},
		{"the schedule in force differs from the one configured in [env.production.aws]: gazr cluster apply --env production applies it"},
		{"+ 0 20 * * * (Europe/Paris): 3 workers, configured, not in force"},
		{"- 0 20 * * * (Europe/Paris): 2 workers, in force, no longer configured"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cluster status:\n%s\nwant rows\n%q", out, want)
	}
}

// paris is want, a time in Paris, unless this machine has no time zone
// database: then the time in UTC that gazr shows instead.
func paris(want string) string {
	if _, err := time.LoadLocation("Europe/Paris"); err != nil {
		return "2025-06-03 05:00 UTC"
	}
	return want
}

// TestClusterStatusJSON: the same, as JSON; a backend without a schedule
// has a null one.
func TestClusterStatusJSON(t *testing.T) {
	ts := newTargets(t, clusterToml)
	ts.props = deploy.Properties{Schedule: true}
	ts.setup = func(b *fakeBackend) { b.nodes, b.schedule = clusterNodes(), inForce()[:1] }
	io, out, _ := iostreams.Test()
	if err := runClusterStatus(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "production", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var st deploy.ClusterStatus
	decodeJSON(t, out, &st)
	var swarm []string
	for _, n := range st.Nodes {
		swarm = append(swarm, n.Swarm)
	}
	if st.Env != "production" || st.Backend != "fake" || strings.Join(swarm, ",") != "ready,ready,drained,down,not_joined" {
		t.Errorf("status %+v: want env production, backend fake, swarm states ready,ready,drained,down,not_joined", st)
	}
	s := st.Schedule
	if s == nil || len(s.InForce) != 1 || s.InForce[0].Next == nil || !s.Differs || len(s.Missing) != 1 || s.Missing[0].Workers != 3 || len(s.Extra) != 0 {
		t.Errorf("schedule %+v: want one in force with its next time, differing by the missing evening change", s)
	}

	ts = newTargets(t, shopToml)
	ts.setup = func(b *fakeBackend) { b.nodes = clusterNodes()[:1] }
	io, out, _ = iostreams.Test()
	if err := runClusterStatus(t.Context(), &ClusterOptions{IO: io, Target: ts.load, Env: "staging", JSON: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"schedule": null`) || strings.Contains(strings.Join(ts.only().calls, ","), "schedule") {
		t.Errorf("without Properties.Schedule: %s (calls %q), want a null schedule and no Schedule call", out, ts.only().calls)
	}
}

// TestCompareSchedule: the changes gazr wrote are set against the
// configured ones, each counted once; others never differ.
func TestCompareSchedule(t *testing.T) {
	morning := deploy.ScheduledChange{Cron: "0 7 * * *", TZ: "", Workers: 5, Managed: true}
	configured := []config.Schedule{{Cron: "0 7 * * *", TZ: "UTC", Workers: 5}}
	tests := []struct {
		name        string
		in          []deploy.ScheduledChange
		configured  []config.Schedule
		wantDiffers bool
	}{
		{"nothing", nil, nil, false},
		{"as configured, UTC spelt two ways", []deploy.ScheduledChange{morning}, configured, false},
		{"not applied yet", nil, configured, true},
		{"no longer configured", []deploy.ScheduledChange{morning}, nil, true},
		{"other workers", []deploy.ScheduledChange{{Cron: "0 7 * * *", Workers: 6, Managed: true}}, configured, true},
		{"another's change is not gazr's business", []deploy.ScheduledChange{{Cron: "0 1 * * *", Workers: 1}}, nil, false},
		{"twice in force, once configured", []deploy.ScheduledChange{morning, morning}, configured, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compareSchedule(tt.in, tt.configured); got.Differs != tt.wantDiffers {
				t.Errorf("Differs = %v, want %v (%+v)", got.Differs, tt.wantDiffers, got)
			}
		})
	}
}
