package schedule

import (
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestScratchDST(t *testing.T) {
	for _, c := range []struct{ cron, tz, now string }{
		{"30 2 * * *", "Europe/Paris", "2027-03-28T04:00:00+02:00"}, // spring forward: 02:30 does not exist
		{"30 2 * * *", "Europe/Paris", "2027-03-28T12:00:00+02:00"},
		{"30 2 * * *", "Europe/Paris", "2027-10-31T02:45:00+01:00"}, // fall back: 02:30 twice
		{"30 2 * * *", "Europe/Paris", "2027-10-31T02:45:00+02:00"},
		{"0 0 29 2 *", "UTC", "2027-03-01T00:00:00Z"},
		{"0 0 29 2 *", "UTC", "2028-03-01T00:00:00Z"},
		{"0 0 30 2 *", "UTC", "2027-03-01T00:00:00Z"},
		{"0 7 * * 1-5", "America/Sao_Paulo", "2027-01-01T00:00:00Z"},
		{"0 0 * * *", "America/Santiago", "2026-09-07T12:00:00Z"}, // Chile DST at midnight
		{"30 0 * * *", "America/Havana", "2027-03-14T12:00:00Z"},
	} {
		s, err := Compile([]config.ReplicaSchedule{{Cron: c.cron, TZ: c.tz, Replicas: map[string]uint64{"web": 1}}})
		if err != nil {
			t.Log(c, err)
			continue
		}
		now, _ := time.Parse(time.RFC3339, c.now)
		done := make(chan struct{})
		go func() {
			cur, ok := s.Current(now)
			nx, nok := s.Next(now)
			t.Logf("%v: current %v %v ; next %v %v", c, cur.Since, ok, nx.Since, nok)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("%v: hangs", c)
		}
	}
	for _, cr := range []string{"0 7 * * 7", "0 7 * * 5-1", "0 7 31 4 *", "0 7 * * SUN-SAT", "0 7 * * sat,sun"} {
		_, err := Compile([]config.ReplicaSchedule{{Cron: cr}})
		t.Logf("%q: %v", cr, err)
	}
}
