package deploytest

import (
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// testUp: Up is ErrNotSupported unless Properties().Up; then Up with the
// numbers of managers and workers the swarm has changes nothing, says so
// (no line), and leaves Nodes as they were.
func (s *suite) testUp(t *testing.T) {
	b := s.backend(t, s.env(t))
	if !b.Properties().Up {
		_, err := b.Up(shortCtx(t), 1, 0)
		wantErr(t, "Up with Properties().Up false", err, deploy.ErrNotSupported)
		return
	}
	before, err := b.Nodes(shortCtx(t))
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	managers, workers := 0, 0
	for _, n := range before {
		switch {
		case n.Machine == deploy.MachineGone || n.Machine == deploy.MachineStopping:
		case n.Manager:
			managers++
		default:
			workers++
		}
	}
	changed, err := b.Up(shortCtx(t), managers, workers)
	if err != nil {
		t.Fatalf("Up(%d managers, %d workers) on a swarm that has them: %v", managers, workers, err)
	}
	if len(changed) != 0 {
		t.Errorf("Up(%d, %d) on a swarm that has them changed %q; want nothing", managers, workers, changed)
	}
	after, err := b.Nodes(shortCtx(t))
	if err != nil {
		t.Fatalf("Nodes after Up: %v", err)
	}
	if len(after) != len(before) {
		t.Errorf("Up(%d, %d) on a swarm that has them: %d nodes before, %d after", managers, workers, len(before), len(after))
	}
}
