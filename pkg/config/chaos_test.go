package config_test

import (
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestChaosTable(t *testing.T) {
	cfg, err := config.Parse(".gazr.toml", []byte("[env.staging]\n[env.prod.chaos]\nenabled = false\nprobe = \"/ping?deep=1\"\nrate = 5\nbaseline = \"3s\"\nmax_failed = 2\nmax_p99 = \"500ms\"\nmax_recovery = \"90s\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Envs["staging"].Chaos, config.DefaultChaos(); got != want {
		t.Errorf("staging (no chaos table): %+v, want the defaults %+v", got, want)
	}
	want := config.Chaos{Probe: "/ping?deep=1", Rate: 5, Baseline: 3 * time.Second, MaxFailed: 2, MaxP99: 500 * time.Millisecond, MaxRecovery: 90 * time.Second}
	if got := cfg.Envs["prod"].Chaos; got != want {
		t.Errorf("prod: %+v, want %+v", got, want)
	}
	if got := config.LocalEnv().Chaos; !got.Enabled || got.Rate == 0 {
		t.Errorf("the implicit local env: %+v, want the defaults", got)
	}
}
