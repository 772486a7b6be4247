package doctor

import "fmt"

// statusNames are the Status words of `gazr doctor --json`.
var statusNames = [...]string{OK: "ok", Skipped: "skipped", Warn: "warn", Fail: "fail"}

// String returns "ok", "skipped", "warn" or "fail".
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// MarshalText writes the status as String does, so that JSON carries a
// word that stays when statuses are added, not their order.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("doctor: unknown status %d", int(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText reads a status MarshalText wrote.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("doctor: unknown status %q", b)
}

// Report is what `gazr doctor --json` prints (docs/json.md). Within a
// major version of gazr, fields are added and never renamed or removed.
type Report struct {
	// FormatVersion is the shape's version, 1 until a major version of
	// gazr changes it.
	FormatVersion int `json:"format_version"`
	// OK is false when a check failed (the command then exits 1).
	OK bool `json:"ok"`
	// Failed counts the failed checks.
	Failed int `json:"failed"`
	// Checks are the checks' results, in the order they ran.
	Checks []Result `json:"checks"`
}

// NewReport sums up rs; FormatVersion is left for the command to set.
func NewReport(rs []Result) Report {
	r := Report{Checks: rs}
	if r.Checks == nil {
		r.Checks = []Result{}
	}
	for _, c := range rs {
		if c.Status == Fail {
			r.Failed++
		}
	}
	r.OK = r.Failed == 0
	return r
}
