package config_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestChaosTable(t *testing.T) {
	cfg, err := config.Parse(".gazr.toml", []byte("[env.staging]\n[env.prod.chaos]\nenabled = false\nprobe = \"/ping?deep=1\"\nrate = 5\nbaseline = \"3s\"\nmax_failed = 2\nmax_p99 = \"500ms\"\nmax_recovery = \"90s\"\n"+
		"every = \"1h\"\nwindow = \"Mon-Fri 09:00-17:00\"\ntz = \"Europe/Paris\"\nexperiments = [\"kill-task\", \"drain-node\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Envs["staging"].Chaos, config.DefaultChaos(); !reflect.DeepEqual(got, want) {
		t.Errorf("staging (no chaos table): %+v, want the defaults %+v", got, want)
	}
	want := config.Chaos{Probe: "/ping?deep=1", Rate: 5, Baseline: 3 * time.Second, MaxFailed: 2, MaxP99: 500 * time.Millisecond, MaxRecovery: 90 * time.Second,
		Every: time.Hour, Window: "Mon-Fri 09:00-17:00", TZ: "Europe/Paris", Experiments: []string{"kill-task", "drain-node"}}
	if got := cfg.Envs["prod"].Chaos; !reflect.DeepEqual(got, want) {
		t.Errorf("prod: %+v, want %+v", got, want)
	}
	if got := config.LocalEnv().Chaos; !got.Enabled || got.Rate == 0 || got.Every != 0 {
		t.Errorf("the implicit local env: %+v, want the defaults", got)
	}
}

func TestWindow(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("Mon 2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		window, at string
		in         bool
	}{
		{"09:00-17:00", "Sun 2026-12-06 09:00", true},
		{"09:00-17:00", "Mon 2026-12-07 17:00", false},
		{"Mon-Fri 09:00-17:00", "Fri 2026-12-11 16:59", true},
		{"Mon-Fri 09:00-17:00", "Sat 2026-12-12 10:00", false},
		{"Sat,Sun 10:00-12:00", "Sun 2026-12-13 11:00", true},
		{"Fri-Mon 22:00-02:00", "Sat 2026-12-12 01:00", true}, // Friday's night
		{"Mon 22:00-02:00", "Tue 2026-12-08 01:00", true},     // Monday's night, on Tuesday
		{"Mon 22:00-02:00", "Mon 2026-12-07 01:00", false},    // Sunday's night: not Monday's
	}
	for _, tt := range tests {
		w, err := config.ParseWindow(tt.window)
		if err != nil {
			t.Fatalf("%s: %v", tt.window, err)
		}
		if got := w.Contains(at(tt.at)); got != tt.in {
			t.Errorf("%q contains %s: %v, want %v", tt.window, tt.at, got, tt.in)
		}
	}
	for _, bad := range []string{"9-17", "Mon-Fri", "Mon-Fry 09:00-17:00", "09:00-09:00", "every day 09:00-17:00"} {
		if _, err := config.ParseWindow(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
