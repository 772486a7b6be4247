package compose

import (
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
)

// Environment renders compose's environment as sorted KEY=VALUE entries (a
// variable without a value stays a bare KEY). env_file entries are already
// in it: compose-go resolves them when loading.
func Environment(env types.MappingWithEquals) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if v := env[k]; v != nil {
			out = append(out, k+"="+*v)
		} else {
			out = append(out, k)
		}
	}
	return out
}

// HealthConfig converts compose's healthcheck to the engine's, for
// containers and swarm services alike. `disable: true` gives the test NONE,
// which turns off the image's own check; no healthcheck gives nil, so the
// image's HEALTHCHECK applies.
func HealthConfig(h *types.HealthCheckConfig) (*container.HealthConfig, error) {
	if h == nil {
		return nil, nil
	}
	if h.Disable {
		if len(h.Test) > 0 && h.Test[0] != "NONE" {
			return nil, errors.New("healthcheck: disable and test are both set")
		}
		return &container.HealthConfig{Test: []string{"NONE"}}, nil
	}
	out := &container.HealthConfig{
		Test:          h.Test,
		Interval:      Duration(h.Interval),
		Timeout:       Duration(h.Timeout),
		StartPeriod:   Duration(h.StartPeriod),
		StartInterval: Duration(h.StartInterval),
	}
	if h.Retries != nil {
		out.Retries = int(*h.Retries)
	}
	return out, nil
}

// Duration is compose's optional duration, 0 when unset.
func Duration(d *types.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(*d)
}
