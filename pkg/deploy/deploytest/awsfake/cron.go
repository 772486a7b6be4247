package awsfake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronSpec is a parsed 5-field Unix cron expression, as Auto Scaling's
// Recurrence: minute hour day-of-month month day-of-week; each field a
// list of *, numbers, ranges a-b, steps */n and a-b/n, month and day
// names (JAN, MON…); day-of-week 0 or 7 is Sunday. As in cron, when both
// day fields are restricted a day matching either runs.
type cronSpec struct {
	minute, hour, dom, month, dow uint64 // bit i set: value i matches
	domStar, dowStar              bool
}

type cronField struct {
	min, max int
	names    []string // names[i] is value min+i
}

var cronFields = [5]cronField{
	{0, 59, nil},
	{0, 23, nil},
	{1, 31, nil},
	{1, 12, strings.Fields("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC")},
	{0, 7, strings.Fields("SUN MON TUE WED THU FRI SAT")},
}

// parseCron parses a 5-field cron expression.
func parseCron(expr string) (*cronSpec, error) {
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, fmt.Errorf("cron expression %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", expr, len(fields))
	}
	var bits [5]uint64
	for i, text := range fields {
		b, err := parseCronField(text, cronFields[i])
		if err != nil {
			return nil, fmt.Errorf("cron expression %q: field %d %q: %w", expr, i+1, text, err)
		}
		bits[i] = b
	}
	if bits[4]&(1<<7) != 0 { // 7 is Sunday too
		bits[4] = bits[4]&^(1<<7) | 1
	}
	return &cronSpec{
		minute: bits[0], hour: bits[1], dom: bits[2], month: bits[3], dow: bits[4],
		domStar: fields[2] == "*" || fields[2] == "?", dowStar: fields[4] == "*" || fields[4] == "?",
	}, nil
}

func parseCronField(text string, f cronField) (uint64, error) {
	var bits uint64
	for part := range strings.SplitSeq(text, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("bad step %q", stepText)
			}
			step = n
		}
		lo, hi := f.min, f.max
		switch {
		case rng == "*" || rng == "?":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(a); err != nil {
				return 0, err
			}
			if hi, err = f.value(b); err != nil {
				return 0, err
			}
			if lo > hi {
				return 0, fmt.Errorf("range %q goes backwards", rng)
			}
		default:
			v, err := f.value(rng)
			if err != nil {
				return 0, err
			}
			lo, hi = v, v
			if hasStep { // a/n: from a to the end
				hi = f.max
			}
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << v
		}
	}
	return bits, nil
}

// value reads one number or name of the field.
func (f cronField) value(s string) (int, error) {
	for i, n := range f.names {
		if strings.EqualFold(s, n) {
			return f.min + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < f.min || v > f.max {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, f.min, f.max)
	}
	return v, nil
}

// next is the first time strictly after t, at a whole minute, that the
// expression matches in loc; zero if none within 5 years. A time a
// daylight-saving jump skips does not run that day; one it repeats runs
// once.
func (c *cronSpec) next(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc).Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		y, mo, d := t.Date()
		switch {
		case c.month&(1<<uint(mo)) == 0:
			t = time.Date(y, mo+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(t):
			t = time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
		case c.hour&(1<<uint(t.Hour())) == 0:
			t = advance(t, time.Date(y, mo, d, t.Hour()+1, 0, 0, 0, loc))
		case c.minute&(1<<uint(t.Minute())) == 0 || repeated(t):
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

// advance is next, or an hour after t if a daylight-saving change made
// next no later than t.
func advance(t, next time.Time) time.Time {
	if next.After(t) {
		return next
	}
	return t.Truncate(time.Hour).Add(time.Hour)
}

// repeated says whether t's wall clock time already happened an hour
// earlier (the hour a daylight-saving change repeats).
func repeated(t time.Time) bool {
	e := t.Add(-time.Hour)
	return e.Day() == t.Day() && e.Hour() == t.Hour() && e.Minute() == t.Minute()
}

func (c *cronSpec) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<uint(t.Day())) != 0
	dow := c.dow&(1<<uint(t.Weekday())) != 0
	if c.domStar || c.dowStar {
		return dom && dow
	}
	return dom || dow
}
