package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// cronRanges are the bounds of the five cron fields AWS reads, with the
// names the month and weekday fields take.
var cronRanges = []struct {
	name     string
	min, max int
	names    []string
}{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{"day of week", 0, 7, []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

// cronProblem says what is wrong with a five-field cron expression's
// values ("" when nothing): a value out of its field's range, an empty
// list item, a step of 0.
func cronProblem(fields []string) string {
	for i, f := range fields {
		r := cronRanges[i]
		for _, item := range strings.Split(f, ",") {
			base, step, hasStep := strings.Cut(item, "/")
			if n, err := strconv.Atoi(step); hasStep && (err != nil || n < 1) {
				return fmt.Sprintf("%s step %q must be a whole number ≥ 1", r.name, step)
			}
			if base == "*" || base == "?" {
				continue
			}
			vals := []string{base}
			if lo, hi, isRange := strings.Cut(base, "-"); isRange {
				vals = []string{lo, hi}
			}
			for _, v := range vals {
				if !cronValue(v, r.min, r.max, r.names) {
					return fmt.Sprintf("%s %q must be %d-%d%s", r.name, v, r.min, r.max, cronNames(r.names))
				}
			}
		}
	}
	return ""
}

func cronValue(v string, min, max int, names []string) bool {
	if n, err := strconv.Atoi(v); err == nil {
		return n >= min && n <= max
	}
	return contains(names, strings.ToUpper(v))
}

func cronNames(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " or " + names[0] + "-" + names[len(names)-1]
}

// timeZoneProblem says why tz is not an IANA time zone AWS knows ("" when
// it is). Without a zone database on this host nothing is refused: AWS
// says it at gazr cluster apply.
func timeZoneProblem(tz string) string {
	if strings.EqualFold(tz, "local") {
		return "is this machine's zone, not one AWS knows: name it (\"Europe/Paris\")"
	}
	if _, err := time.LoadLocation(tz); err != nil {
		if _, noDB := time.LoadLocation("America/New_York"); noDB != nil {
			return ""
		}
		return "is not an IANA time zone (\"Europe/Paris\", \"UTC\")"
	}
	return ""
}

// endpointProblem says what is wrong with an endpoint_url ("" when
// nothing).
func endpointProblem(s string) string {
	u, err := url.Parse(s)
	switch {
	case !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://"):
		return "must start with http:// or https://"
	case err != nil:
		return "is not a URL: " + strings.TrimPrefix(err.Error(), "parse "+strconv.Quote(s)+": ")
	case u.Host == "" || u.Hostname() == "":
		return "has no host (\"http://127.0.0.1:4566\")"
	}
	return ""
}

// sshWordProblem says why s cannot be given to ssh as a user or jump
// host ("" when it can): ssh would read a leading '-' as an option, and
// spaces split it.
func sshWordProblem(s string) string {
	switch {
	case strings.HasPrefix(s, "-"):
		return "must not start with '-' (ssh would read an option)"
	case strings.ContainsAny(s, " \t\n"):
		return "must not hold spaces"
	}
	return ""
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// prefixed is prefix+s, or "" when s is.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
