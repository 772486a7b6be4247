package config

import (
	"strings"
	"time"
)

// Chaos is the [env.<name>.chaos] table: whether `gazr chaos` may run
// experiments on the env, and the steady-state hypothesis they test.
type Chaos struct {
	// Enabled lets experiments run on the env. Default: true.
	Enabled bool
	// Probe is the path the probe requests on a routed service that has
	// no health path of its own (io.gazr.route.health). Default: "/".
	Probe string
	// Rate is the probe's requests per second, all services together.
	// Default: 20.
	Rate int
	// Baseline is how long the steady state is measured before the fault
	// is injected, and again once the services have recovered. Default: 10s.
	Baseline time.Duration
	// MaxFailed is how many failed requests the hypothesis allows from the
	// fault to the end of the experiment. Default: 0.
	MaxFailed int
	// MaxP99 bounds the probe's 99th percentile latency during the fault.
	// Default: 2s.
	MaxP99 time.Duration
	// MaxRecovery bounds the time from the fault until every service runs
	// its desired replicas again. Default: 2m.
	MaxRecovery time.Duration
}

// DefaultChaos is the hypothesis of an env without a chaos table.
func DefaultChaos() Chaos {
	return Chaos{Enabled: true, Probe: "/", Rate: 20, Baseline: 10 * time.Second, MaxP99: 2 * time.Second, MaxRecovery: 2 * time.Minute}
}

var chaosKeys = []string{"enabled", "probe", "rate", "baseline", "max_failed", "max_p99", "max_recovery"}

func (d *decoder) chaos(key []string, v any) (Chaos, error) {
	c := DefaultChaos()
	table, ok := v.(map[string]any)
	if !ok {
		return c, d.errorf(key, "%s must be a table ([%s]), not %s", strings.Join(key, "."), strings.Join(key, "."), tomlType(v))
	}
	for _, k := range sortedKeys(table) {
		fkey := append(key[:len(key):len(key)], k)
		if err := d.chaosField(&c, fkey, table[k]); err != nil {
			return c, err
		}
		d.seen(fkey)
	}
	return c, nil
}

func (d *decoder) chaosField(c *Chaos, key []string, v any) error {
	var err error
	k, name := key[len(key)-1], strings.Join(key, ".")
	switch k {
	case "enabled":
		c.Enabled, err = d.boolean(key, v)
	case "probe":
		c.Probe, err = d.nonEmpty(key, v)
		if err == nil && (!strings.HasPrefix(c.Probe, "/") || strings.ContainsAny(c.Probe, " \t\r\n#\"'")) {
			err = d.errorf(key, "%s %q must be a URL path starting with '/' (e.g. \"/health\")", name, c.Probe)
		}
	case "rate":
		var n uint64
		n, err = d.count(key, v)
		if err == nil && (n == 0 || n > 1000) {
			err = d.errorf(key, "%s must be between 1 and 1000 requests per second, not %d", name, n)
		}
		c.Rate = int(n)
	case "baseline":
		c.Baseline, err = d.duration(key, v)
	case "max_failed":
		var n uint64
		n, err = d.count(key, v)
		c.MaxFailed = int(n)
	case "max_p99":
		c.MaxP99, err = d.duration(key, v)
	case "max_recovery":
		c.MaxRecovery, err = d.duration(key, v)
	default:
		err = d.errorf(key, "unknown key %q in %s%s", k, strings.Join(key[:len(key)-1], "."), didYouMean(k, chaosKeys))
	}
	return err
}
