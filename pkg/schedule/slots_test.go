package schedule

import (
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

// TestSameInstantEntriesBothInForce: two entries that fire at the same
// time for different services ("by day: web 25, worker 6") are both in
// force.
func TestSameInstantEntriesBothInForce(t *testing.T) {
	s, err := Compile([]config.ReplicaSchedule{
		{Cron: "0 7 * * *", TZ: "Europe/Paris", Replicas: map[string]uint64{"web": 25}},
		{Cron: "0 7 * * *", TZ: "Europe/Paris", Replicas: map[string]uint64{"worker": 6}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Replicas(map[string]uint64{"web": 2, "worker": 1}, at(t, "2026-12-07 08:00"))
	if got["web"] != 25 || got["worker"] != 6 {
		t.Errorf("Replicas at 08:00 = %v, want web=25 worker=6", got)
	}
}

// TestDeployKeepsWhatTheAgentApplied: web=25 at 07:00, worker=6 at
// 08:00: at 09:00 the agent has left web at 25, and a deploy keeps it.
func TestDeployKeepsWhatTheAgentApplied(t *testing.T) {
	s, err := Compile([]config.ReplicaSchedule{
		{Cron: "0 7 * * *", TZ: "Europe/Paris", Replicas: map[string]uint64{"web": 25}},
		{Cron: "0 8 * * *", TZ: "Europe/Paris", Replicas: map[string]uint64{"worker": 6}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Replicas(map[string]uint64{"web": 2, "worker": 1}, at(t, "2026-12-07 09:00"))
	if got["web"] != 25 {
		t.Errorf("deploy at 09:00 gives web=%d; the agent left it at 25 (applied at 07:00)", got["web"])
	}
}
