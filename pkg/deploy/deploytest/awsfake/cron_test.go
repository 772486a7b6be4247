package awsfake

import (
	"testing"
	"time"
)

func TestCronNext(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		expr  string
		loc   *time.Location
		after string
		want  string
	}{
		{"0 7 * * *", time.UTC, "2026-12-05T06:59:00Z", "2026-12-05T07:00:00Z"},
		{"0 7 * * *", time.UTC, "2026-12-05T07:00:00Z", "2026-12-06T07:00:00Z"},
		{"*/15 * * * *", time.UTC, "2026-12-05T10:07:30Z", "2026-12-05T10:15:00Z"},
		{"5-10/5 * * * *", time.UTC, "2026-12-05T10:06:00Z", "2026-12-05T10:10:00Z"},
		{"0 22 * * 1-5", time.UTC, "2026-12-05T23:00:00Z", "2026-12-07T22:00:00Z"}, // Saturday → Monday
		{"0 7 * * MON-FRI", paris, "2026-12-05T10:00:00Z", "2026-12-07T06:00:00Z"}, // 07:00 CET is 06:00 UTC
		{"0 7 * * 1-5", paris, "2026-07-03T10:00:00Z", "2026-07-06T05:00:00Z"},     // CEST
		{"30 9 1,15 * *", time.UTC, "2026-12-02T00:00:00Z", "2026-12-15T09:30:00Z"},
		{"0 0 1 jan *", time.UTC, "2026-12-05T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"0 12 * * 7", time.UTC, "2026-12-05T00:00:00Z", "2026-12-06T12:00:00Z"},  // 7 is Sunday
		{"0 12 13 * 5", time.UTC, "2026-12-05T00:00:00Z", "2026-12-11T12:00:00Z"}, // 13th or a Friday
		{"0 0 29 2 *", time.UTC, "2026-12-05T00:00:00Z", "2028-02-29T00:00:00Z"},
		{"30 2 * * *", paris, "2026-03-28T12:00:00Z", "2026-03-30T00:30:00Z"}, // 02:30 does not exist on the 29th
		{"30 2 * * *", paris, "2026-10-25T00:00:00Z", "2026-10-26T01:30:00Z"}, // 02:30 happens twice on the 25th: once
	}
	for _, tt := range tests {
		c, err := parseCron(tt.expr)
		if err != nil {
			t.Fatalf("%q: %v", tt.expr, err)
		}
		got := c.next(utc(tt.after), tt.loc).UTC()
		if tt.expr == "30 2 * * *" && tt.after == "2026-10-25T00:00:00Z" {
			// The first 02:30 of the 25th (CEST, 00:30 UTC) runs; the repeat does not.
			if want := utc("2026-10-25T00:30:00Z"); !got.Equal(want) {
				t.Errorf("%q after %s: %s, want %s", tt.expr, tt.after, got, want)
			}
			if again := c.next(got, tt.loc).UTC(); !again.Equal(utc(tt.want)) {
				t.Errorf("%q after %s: %s, want %s (not the repeated hour)", tt.expr, got, again, tt.want)
			}
			continue
		}
		if !got.Equal(utc(tt.want)) {
			t.Errorf("%q in %s after %s: %s, want %s", tt.expr, tt.loc, tt.after, got, tt.want)
		}
	}
}

func TestCronParseErrors(t *testing.T) {
	for _, expr := range []string{"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *",
		"* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "* * * FOO *"} {
		if _, err := parseCron(expr); err == nil {
			t.Errorf("%q: no error", expr)
		}
	}
}
