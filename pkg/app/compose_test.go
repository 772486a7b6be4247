package app

import (
	"slices"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
)

// TestComposeOptions checks that the app, not the loader, reads the
// process environment: its variables in every mode, COMPOSE_PROFILES in
// dev mode only.
func TestComposeOptions(t *testing.T) {
	t.Setenv("COMPOSE_PROFILES", "debug,tools")
	t.Setenv("GAZR_TEST_TAG", "v7")
	tests := []struct {
		mode     compose.Mode
		profiles []string
	}{
		{compose.Dev, []string{"debug", "tools"}},
		{compose.Build, nil},
		{compose.Deploy, nil},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			o := composeOptions(tt.mode, "/src/shop", "shop")
			if o.Mode != tt.mode || o.Dir != "/src/shop" || o.Name != "shop" {
				t.Errorf("options = %+v, want mode %s in /src/shop named shop", o, tt.mode)
			}
			if !slices.Equal(o.Profiles, tt.profiles) {
				t.Errorf("profiles = %q, want %q", o.Profiles, tt.profiles)
			}
			if o.Environ["GAZR_TEST_TAG"] != "v7" {
				t.Errorf("GAZR_TEST_TAG = %q, want v7 from the process", o.Environ["GAZR_TEST_TAG"])
			}
		})
	}
	if got := hostVars()["GAZR_TEST_TAG"]; got != "v7" {
		t.Errorf("hostVars: GAZR_TEST_TAG = %q, want v7", got)
	}
}
