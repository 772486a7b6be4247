package chaos

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what an experiment found; `gazr chaos --json` prints it
// (docs/json.md). Fields are added, never renamed or removed, within a
// major version of gazr.
type Report struct {
	FormatVersion int    `json:"format_version"`
	Env           string `json:"env"`
	Namespace     string `json:"namespace"`
	Experiment    string `json:"experiment"`
	// Target says what the fault hit ("task shop-staging_web.2 on node
	// w1", "node w1").
	Target string `json:"target"`
	// DryRun: nothing was hit; the report says what would have been.
	DryRun bool `json:"dry_run"`
	// Hypothesis is what was tested.
	Hypothesis Hypothesis `json:"hypothesis"`
	// Probed are the routed services the probe requested, through Edges.
	Probed []Target `json:"probed"`
	Edges  []string `json:"edges"`
	// Phases: before (the baseline), during (from the fault to
	// recovery) and after (a baseline's length once recovered).
	Phases []PhaseStats `json:"phases"`
	// Recovered: every service ran its desired replicas again, after
	// RecoverySeconds from the fault.
	Recovered       bool    `json:"recovered"`
	RecoverySeconds float64 `json:"recovery_seconds"`
	// Restored says how a node taken out came back ("" for a task).
	Restored string `json:"restored,omitempty"`
	// Held: the hypothesis held. Why says why not, a reason each.
	Held bool     `json:"held"`
	Why  []string `json:"why"`
	// Aborted: the experiment stopped before it ended (the steady state
	// did not hold before the fault, or gazr was interrupted); Why says
	// why.
	Aborted bool `json:"aborted"`
}

// Hypothesis is the steady state an experiment tests.
type Hypothesis struct {
	MaxFailed          int     `json:"max_failed"`
	MaxP99             Millis  `json:"max_p99_ms"`
	MaxRecoverySeconds float64 `json:"max_recovery_seconds"`
	Rate               int     `json:"rate"`
	BaselineSeconds    float64 `json:"baseline_seconds"`
}

// PhaseStats are the probe's figures for one phase.
type PhaseStats struct {
	Phase    string       `json:"phase"`
	Requests int          `json:"requests"`
	Failed   int          `json:"failed"`
	P50      Millis       `json:"p50_ms"`
	P99      Millis       `json:"p99_ms"`
	Errors   []ErrorCount `json:"errors"`
}

// ErrorCount is one reason requests failed, and how many did.
type ErrorCount struct {
	Error string `json:"error"`
	Count int    `json:"count"`
}

// Millis is a duration in milliseconds, a number in JSON.
type Millis float64

func millis(d time.Duration) Millis { return Millis(float64(d.Microseconds()) / 1000) }

func (m Millis) String() string {
	switch {
	case m >= 1000:
		return strconv.FormatFloat(float64(m)/1000, 'f', 2, 64) + "s"
	case m >= 10:
		return strconv.FormatFloat(float64(m), 'f', 0, 64) + "ms"
	}
	return strconv.FormatFloat(float64(m), 'f', 1, 64) + "ms"
}

// Phase returns the figures of phase, zero when it did not run.
func (r *Report) Phase(name string) PhaseStats {
	for _, p := range r.Phases {
		if p.Phase == name {
			return p
		}
	}
	return PhaseStats{Phase: name}
}

// Summary is the report in one line, as the history keeps it.
func (r *Report) Summary() string {
	d, a := r.Phase(PhaseDuring), r.Phase(PhaseAfter)
	s := fmt.Sprintf("%s %s: %d/%d failed", r.Experiment, r.Target, d.Failed+a.Failed, d.Requests+a.Requests)
	if r.Recovered {
		s += fmt.Sprintf(", recovered in %.1fs", r.RecoverySeconds)
	}
	if len(r.Why) > 0 {
		s += "; " + strings.Join(r.Why, "; ")
	}
	return s
}

// Print writes the report as a table: a line per phase, then recovery
// and the node's return.
func (r *Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tREQUESTS\tFAILED\tP50\tP99\tERRORS")
	for _, p := range r.Phases {
		errs := "-"
		if len(p.Errors) > 0 {
			errs = fmt.Sprintf("%s (%d)", p.Errors[0].Error, p.Errors[0].Count)
			if len(p.Errors) > 1 {
				errs += fmt.Sprintf(" and %d other reason(s)", len(p.Errors)-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", p.Phase, p.Requests, p.Failed, p.P50, p.P99, errs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case r.Recovered:
		fmt.Fprintf(w, "recovery: every service back to its replicas after %.1fs (bound %s)\n", r.RecoverySeconds, seconds(r.Hypothesis.MaxRecoverySeconds))
	case r.Phase(PhaseDuring).Requests > 0 || r.RecoverySeconds > 0:
		fmt.Fprintf(w, "recovery: not within %s\n", seconds(r.Hypothesis.MaxRecoverySeconds))
	}
	if r.Restored != "" {
		fmt.Fprintf(w, "node: %s\n", r.Restored)
	}
	return nil
}

func seconds(s float64) string {
	return (time.Duration(s * float64(time.Second))).String()
}
