package deploy

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
)

func TestDesired(t *testing.T) {
	three := uint64(3)
	replicated := swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &three}}
	global := swarm.ServiceMode{Global: &swarm.GlobalService{}}
	tests := []struct {
		name      string
		mode      swarm.ServiceMode
		scheduled int
		want      int
	}{
		{name: "replicated: its replicas, whatever is scheduled", mode: replicated, scheduled: 1, want: 3},
		{name: "replicated, more scheduled than wanted", mode: replicated, scheduled: 5, want: 3},
		{name: "replicated without a count: as global", mode: swarm.ServiceMode{Replicated: &swarm.ReplicatedService{}}, scheduled: 2, want: 2},
		{name: "global: what swarm scheduled", mode: global, scheduled: 4, want: 4},
		{name: "new global service, nothing scheduled yet", mode: global, scheduled: 0, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := swarm.Service{Spec: swarm.ServiceSpec{Mode: tt.mode}}
			if got := desired(svc, tt.scheduled); got != tt.want {
				t.Errorf("desired = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSameImage(t *testing.T) {
	tests := []struct {
		name  string
		cs    *swarm.ContainerSpec
		image string
		want  bool
	}{
		{name: "no container spec", cs: nil, image: "web:v1", want: false},
		{name: "same reference", cs: &swarm.ContainerSpec{Image: "web:v1"}, image: "web:v1", want: true},
		{name: "digest pinned by swarm", cs: &swarm.ContainerSpec{Image: "web:v1@sha256:abc"}, image: "web:v1", want: true},
		{name: "digests differ, tags match", cs: &swarm.ContainerSpec{Image: "web:v1@sha256:abc"}, image: "web:v1@sha256:def", want: true},
		{name: "another tag", cs: &swarm.ContainerSpec{Image: "web:v1@sha256:abc"}, image: "web:v2", want: false},
		{name: "another registry", cs: &swarm.ContainerSpec{Image: "reg:5000/web:v1"}, image: "web:v1", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameImage(tt.cs, tt.image); got != tt.want {
				t.Errorf("sameImage(%+v, %q) = %v, want %v", tt.cs, tt.image, got, tt.want)
			}
		})
	}
}

func TestIsStale(t *testing.T) {
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := t1.Add(time.Second)
	tests := []struct {
		name    string
		started *time.Time
		stale   *time.Time
		want    bool
	}{
		{name: "no earlier status recorded", started: &t1, stale: nil, want: false},
		{name: "status without a start time", started: nil, stale: &t1, want: false},
		{name: "the earlier deploy's status", started: &t1, stale: &t1, want: true},
		{name: "a status swarm started since", started: &t2, stale: &t1, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us := &swarm.UpdateStatus{State: swarm.UpdateStateRollbackCompleted, StartedAt: tt.started}
			if got := isStale(us, tt.stale); got != tt.want {
				t.Errorf("isStale = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRollbackReason(t *testing.T) {
	tests := []struct {
		msg, health, want string
	}{
		{msg: "update paused due to failure", want: "update paused due to failure"},
		{msg: "update paused due to failure", health: "curl -f http://localhost/health",
			want: "update paused due to failure (health check: curl -f http://localhost/health)"},
		{msg: "", health: "true", want: " (health check: true)"},
	}
	for _, tt := range tests {
		if got := rollbackReason(tt.msg, Target{Name: "web", Health: tt.health}); got != tt.want {
			t.Errorf("rollbackReason(%q, health %q) = %q, want %q", tt.msg, tt.health, got, tt.want)
		}
	}
}

func TestWaitErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			name: "rolled back, no task error",
			err:  &RolledBackError{Service: "shop_web", Reason: "update paused due to failure"},
			want: "service shop_web: the update failed and swarm rolled it back to the previous version: update paused due to failure",
		},
		{
			name: "rolled back, with the new tasks' errors",
			err: &RolledBackError{Service: "shop_web", Reason: "r",
				TaskErrors: []string{"task: non-zero exit (1)", "health check failed (exit 1): down"}},
			want: "service shop_web: the update failed and swarm rolled it back to the previous version: r; " +
				"new tasks: task: non-zero exit (1); health check failed (exit 1): down",
		},
		{
			name: "timeout",
			err:  &TimeoutError{Service: "shop_web", After: 2 * time.Minute, State: "1/2 running the new version"},
			want: "service shop_web did not converge within 2m0s (1/2 running the new version); raise timeout in the env or see gazr logs",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}
