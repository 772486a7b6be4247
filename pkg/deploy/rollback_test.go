package deploy

import (
	"testing"

	"github.com/moby/moby/api/types/swarm"
)

func TestPickRollback(t *testing.T) {
	svc := []swarm.ServiceSpec{{}}
	history := []Record{ // newest first
		{Version: "v3", Result: ResultRolledBack, Services: svc},
		{Version: "v2", Result: ResultSucceeded, Services: svc},
		{Version: "v2", Result: ResultSucceeded, Services: svc},
		{Version: "v1", Result: ResultSucceeded, Services: svc},
		{Version: "v0", Result: ResultFailed, Services: svc},
	}
	tests := []struct {
		name, running, to, want, wantErr string
	}{
		{"previous of v2 is v1", "v2", "", "v1", ""},
		{"explicit version", "v1", "v2", "v2", ""},
		{"a rolled-back version is not a target", "v2", "v3", "", `no successful deploy of version "v3" in the history (known: v2, v1)`},
		{"nothing running, nothing earlier", "", "", "", "no earlier successful version to roll back to (nothing is running)"},
		{"no successful version at all", "", "v9", "", `no successful deploy of version "v9" in the history (known: none)`},
		{"nothing earlier", "v1", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := history
			if tt.running == "" {
				h = history[4:] // failed deploys only
			}
			if tt.name == "nothing earlier" {
				h = history[3:4]
				tt.wantErr = "no earlier successful version to roll back to (running v1)"
			}
			got, err := pickRollback(h, tt.running, tt.to)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Version != tt.want {
				t.Fatalf("got %q, %v; want %q", got.Version, err, tt.want)
			}
		})
	}
}
