package config

import (
	"fmt"
	"slices"
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
	// Every runs an experiment that often, by gazr's agent in the
	// cluster; 0 (the default): only when someone runs gazr chaos.
	Every time.Duration
	// Window limits the agent's experiments to days and hours ("Mon-Fri
	// 09:00-17:00", read in TZ); "": any time.
	Window string
	// TZ is the IANA time zone of Window. Default: UTC.
	TZ string
	// Experiments are those the agent draws from. Default: kill-task.
	Experiments []string
}

// DefaultChaos is the hypothesis of an env without a chaos table.
func DefaultChaos() Chaos {
	return Chaos{Enabled: true, Probe: "/", Rate: 20, Baseline: 10 * time.Second, MaxP99: 2 * time.Second, MaxRecovery: 2 * time.Minute,
		Experiments: []string{"kill-task"}}
}

var chaosKeys = []string{"enabled", "probe", "rate", "baseline", "max_failed", "max_p99", "max_recovery", "every", "window", "tz", "experiments"}

// ChaosExperiments are the experiments' names (package chaos has them).
var ChaosExperiments = []string{"kill-task", "kill-node", "drain-node"}

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
	case "every":
		c.Every, err = d.duration(key, v)
		if err == nil && c.Every < 10*time.Second {
			err = d.errorf(key, "%s %q is less than 10s: an experiment alone takes twice its baseline and its recovery", name, c.Every)
		}
	case "window":
		c.Window, err = d.nonEmpty(key, v)
		if err == nil {
			if _, werr := ParseWindow(c.Window); werr != nil {
				err = d.errorf(key, "%s: %v", name, werr)
			}
		}
	case "tz":
		c.TZ, err = d.nonEmpty(key, v)
		if err == nil {
			if p := timeZoneProblem(c.TZ); p != "" {
				err = d.errorf(key, "%s %q %s", name, c.TZ, p)
			}
		}
	case "experiments":
		c.Experiments, err = d.strings(key, v)
		for _, e := range c.Experiments {
			if err == nil && !contains(ChaosExperiments, e) {
				err = d.errorf(key, "%s: unknown experiment %q%s (known: %s)", name, e, didYouMean(e, ChaosExperiments), strings.Join(ChaosExperiments, ", "))
			}
		}
		if err == nil && len(c.Experiments) == 0 {
			err = d.errorf(key, "%s is empty: name the experiments the agent draws from (%s)", name, strings.Join(ChaosExperiments, ", "))
		}
	default:
		err = d.errorf(key, "unknown key %q in %s%s", k, strings.Join(key[:len(key)-1], "."), didYouMean(k, chaosKeys))
	}
	return err
}

// Window is when an agent's experiments may run: on Days (bit i:
// time.Weekday i), from From to To (minutes after midnight; To < From
// crosses midnight).
type Window struct {
	Days     uint8
	From, To int
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWindow reads "09:00-17:00" (every day) or "Mon-Fri 09:00-17:00"
// (days: a name, a range or a comma list of either).
func ParseWindow(s string) (Window, error) {
	w := Window{Days: 0x7f}
	fields := strings.Fields(s)
	if len(fields) == 2 {
		w.Days = 0
		for _, part := range strings.Split(strings.ToLower(fields[0]), ",") {
			a, b, isRange := strings.Cut(part, "-")
			i, j := slices.Index(weekdays, a), slices.Index(weekdays, b)
			if !isRange {
				j = i
			}
			if i < 0 || j < 0 {
				return w, fmt.Errorf("window %q: days must be names (Mon-Fri, Sat,Sun), not %q", s, part)
			}
			for d := i; ; d = (d + 1) % 7 {
				w.Days |= 1 << d
				if d == j {
					break
				}
			}
		}
		fields = fields[1:]
	}
	if len(fields) != 1 {
		return w, fmt.Errorf("window %q: want [days] HH:MM-HH:MM, e.g. \"Mon-Fri 09:00-17:00\"", s)
	}
	from, to, ok := strings.Cut(fields[0], "-")
	var err1, err2 error
	w.From, err1 = clock(from)
	w.To, err2 = clock(to)
	if !ok || err1 != nil || err2 != nil || w.From == w.To {
		return w, fmt.Errorf("window %q: want [days] HH:MM-HH:MM with two different times, e.g. \"Mon-Fri 09:00-17:00\"", s)
	}
	return w, nil
}

func clock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Contains reports whether t (in its own location) is in the window; a
// window crossing midnight belongs to the day it starts.
func (w Window) Contains(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	day := t.Weekday()
	if w.From < w.To {
		return w.Days&(1<<day) != 0 && m >= w.From && m < w.To
	}
	if m >= w.From {
		return w.Days&(1<<day) != 0
	}
	return m < w.To && w.Days&(1<<((day+6)%7)) != 0
}
