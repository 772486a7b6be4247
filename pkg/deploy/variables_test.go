package deploy

import (
	"maps"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestVariables(t *testing.T) {
	tests := []struct {
		name   string
		caller map[string]string
		vars   map[string]string
		want   map[string]string
	}{
		{"none", nil, nil, map[string]string{}},
		{"caller's only", map[string]string{"TAG": "v1"}, nil, map[string]string{"TAG": "v1"}},
		{"env's only", nil, map[string]string{"LOG_LEVEL": "info"}, map[string]string{"LOG_LEVEL": "info"}},
		{"env's win", map[string]string{"TAG": "v1", "HOME": "/h"}, map[string]string{"TAG": "v2"},
			map[string]string{"TAG": "v2", "HOME": "/h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := maps.Clone(tt.caller)
			got := variables(tt.caller, &config.Environment{Name: "staging", Vars: tt.vars})
			if !maps.Equal(got, tt.want) {
				t.Errorf("variables = %v, want %v", got, tt.want)
			}
			if !maps.Equal(tt.caller, before) {
				t.Errorf("the caller's map changed: %v, was %v", tt.caller, before)
			}
		})
	}
}

// TestVariablesNotFromProcess checks that a deploy interpolates from what
// it is given, not from its process environment.
func TestVariablesNotFromProcess(t *testing.T) {
	t.Setenv("GAZR_TEST_FROM_PROCESS", "process")
	got := variables(nil, &config.Environment{Name: "staging", Vars: map[string]string{"TAG": "v2"}})
	if _, ok := got["GAZR_TEST_FROM_PROCESS"]; ok {
		t.Errorf("variables = %v: read the process environment", got)
	}
}
