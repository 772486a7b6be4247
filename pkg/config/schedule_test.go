package config_test

import (
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/schedule"
)

// TestScheduleCronRefusedUnlessItFires: every cron the loader accepts
// compiles and fires (schedule.Compile, Next): a cron the agent would
// read otherwise (Sunday as 7, a reversed range) or that never fires is
// refused at load time, with a position.
func TestScheduleCronRefusedUnlessItFires(t *testing.T) {
	for _, cron := range []string{
		"0 7 * * 7",   // Sunday as 7: AWS's range, robfig/cron's is 0-6
		"0 7 * * 5-1", // reversed range
		"0 7 30 2 *",  // never fires
		"0 7 31 4 *",  // never fires
	} {
		in := "[[env.staging.schedule]]\ncron = \"" + cron + "\"\nreplicas = { web = 3 }\n"
		cfg, err := config.Parse(".gazr.toml", []byte(in))
		if err != nil {
			continue // refused at load time, with a position: fine
		}
		s, err := schedule.Compile(cfg.Envs["staging"].Schedule)
		if err != nil {
			t.Errorf("%q: accepted by the loader, then Compile: %v", cron, err)
			continue
		}
		if _, ok := s.Next(schedule.Now()); !ok {
			t.Errorf("%q: accepted by the loader, never fires", cron)
		}
	}
}
