package app

import (
	"runtime/debug"
	"testing"
)

// TestBuildVersion: -ldflags wins; after `go install …@v1.2.3` (Version
// left "dev") the module's version is printed; a checkout build stays dev.
func TestBuildVersion(t *testing.T) {
	info := func(v string, ok bool) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) { return &debug.BuildInfo{Main: debug.Module{Version: v}}, ok }
	}
	tests := []struct {
		set  string
		read func() (*debug.BuildInfo, bool)
		want string
	}{
		{"v1.0.0", info("v0.9.0", true), "v1.0.0"},
		{"dev", info("v1.2.3", true), "v1.2.3"},
		{"dev", info("(devel)", true), "dev"},
		{"dev", info("", true), "dev"},
		{"dev", info("v1.2.3", false), "dev"},
	}
	for i, tt := range tests {
		if got := buildVersion(tt.set, tt.read); got != tt.want {
			t.Errorf("case %d: buildVersion(%q, …) = %q, want %q", i, tt.set, got, tt.want)
		}
	}
}
