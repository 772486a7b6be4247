package plan

import (
	"time"

	"github.com/gazr-io/gazr/pkg/convention"
)

// The shapes `gazr list --json` and `gazr explain --json` print
// (docs/json.md). Within a major version of gazr, fields are added and
// never renamed or removed: a consumer ignores the fields it does not know.

// VerbList is what `gazr list --json` prints: every verb of the project,
// the defined ones and the ones its convention leaves undefined.
type VerbList struct {
	// FormatVersion is the shape's version, 1 until a major version of
	// gazr changes it.
	FormatVersion int `json:"format_version"`
	// Project is the project's name; Root its directory.
	Project string `json:"project"`
	Root    string `json:"root"`
	// Convention is nil when no convention applies.
	Convention *ConventionInfo `json:"convention"`
	Verbs      []VerbInfo      `json:"verbs"`
}

// Kinds of VerbInfo.
const (
	// KindStep is a verb that runs one step (after its deps).
	KindStep = "step"
	// KindGroup is a verb that runs other verbs (Members), e.g. test.
	KindGroup = "group"
	// KindUndefined is a verb the convention leaves undefined (Reason).
	KindUndefined = "undefined"
)

// VerbInfo is one verb of VerbList.
type VerbInfo struct {
	Verb string `json:"verb"`
	// Kind is KindStep, KindGroup or KindUndefined.
	Kind string `json:"kind"`
	// Description is the project's words for the verb, "" when it has none.
	Description string `json:"description"`
	// Commands are what a step runs (a Taskfile task as "task <name>");
	// empty for a group.
	Commands []string `json:"commands"`
	// Members are the verbs a group runs, in order.
	Members []string `json:"members,omitempty"`
	// After are the verbs a step runs after.
	After []string `json:"after,omitempty"`
	// Image is a step's image, "" for a group.
	Image string `json:"image,omitempty"`
	// From is where the verb is defined: ".gazr.toml:7", "convention go",
	// "group".
	From string `json:"from,omitempty"`
	// Reason says why an undefined verb is not defined.
	Reason string `json:"reason,omitempty"`
}

// ConventionInfo names the convention in use.
type ConventionInfo struct {
	Name string `json:"name"`
	// Base is the language convention a Makefile convention borrows its
	// image from, "" for others.
	Base string `json:"base,omitempty"`
	// DetectedBy is the marker file that selected the convention, ""
	// when .gazr.toml names it.
	DetectedBy string `json:"detected_by,omitempty"`
}

// Explanation is what `gazr explain --json` prints: a resolved plan, each
// value with its origin.
type Explanation struct {
	// FormatVersion is the shape's version (see VerbList).
	FormatVersion int    `json:"format_version"`
	Verb          string `json:"verb"`
	Project       string `json:"project"`
	Root          string `json:"root"`
	// Config is the .gazr.toml read, "" without one.
	Config string `json:"config"`
	// Convention is nil when no convention applies.
	Convention *ConventionInfo `json:"convention"`
	Steps      []ExplainedStep `json:"steps"`
}

// ExplainedStep is one step of an Explanation. Lists are [] rather than
// null when empty.
type ExplainedStep struct {
	Verb     string `json:"verb"`
	Image    Value  `json:"image"`
	Commands Values `json:"commands"`
	// Prelude is nil when the step has none.
	Prelude *Value `json:"prelude,omitempty"`
	// Tools are checked (or installed) before the commands run.
	Tools []string `json:"tools"`
	// Args are the extra arguments (after --) appended to the last command.
	Args    []string `json:"args"`
	Workdir Value    `json:"workdir"`
	// User's value is "" for the image's default user.
	User      Value    `json:"user"`
	Mounts    []Mount  `json:"mounts"`
	Caches    []Cache  `json:"caches"`
	Services  Values   `json:"services"`
	Env       []EnvVar `json:"env"`
	After     []Value  `json:"after"`
	Sources   Values   `json:"sources"`
	Generates Values   `json:"generates"`
	// Warm is how long the step's container is kept running after a
	// run (verbs.<verb>.warm: "15m"); nil when each run has a fresh one.
	Warm *Value `json:"warm,omitempty"`
	// Verdict says whether a run now would run or skip the step; nil for
	// a step without sources, which always runs.
	Verdict *Verdict `json:"verdict,omitempty"`
}

// Verdicts of an ExplainedStep.
const (
	VerdictRun     = "run"
	VerdictSkip    = "skip"
	VerdictUnknown = "unknown"
)

// Verdict is whether a step with sources would run now.
type Verdict struct {
	// Would is VerdictRun, VerdictSkip or VerdictUnknown (the engine or
	// the fingerprint store could not tell).
	Would string `json:"would"`
	// Reason says what changed (run), or why it cannot tell (unknown).
	Reason string `json:"reason,omitempty"`
	// LastSuccess is the step's last success, for skip.
	LastSuccess *time.Time `json:"last_success,omitempty"`
}

// NewConventionInfo names c, nil when c is nil.
func NewConventionInfo(c *convention.Convention) *ConventionInfo {
	if c == nil {
		return nil
	}
	return &ConventionInfo{Name: c.Name, Base: c.Base, DetectedBy: c.DetectedBy}
}

// Explain returns the plan as `gazr explain --json` prints it, without
// verdicts (they need the engine): FormatVersion is left 0 for the
// command to set.
func (pl *Plan) Explain() Explanation {
	e := Explanation{Verb: pl.Verb, Project: pl.Project, Root: pl.Root, Config: pl.Config,
		Convention: NewConventionInfo(pl.Convention), Steps: make([]ExplainedStep, 0, len(pl.Steps))}
	for _, s := range pl.Steps {
		es := ExplainedStep{
			Verb: s.Verb, Image: s.Image, Commands: Values{Values: nonNil(s.Commands), Origin: s.CommandsOrigin},
			Tools: nonNil(s.Tools), Args: nonNil(s.Args), Workdir: s.Workdir, User: s.User,
			Mounts: nonNil(s.Mounts), Caches: nonNil(s.Caches), Services: nonNilValues(s.Services),
			Env: nonNil(s.Env), After: nonNil(s.Deps), Sources: nonNilValues(s.Sources), Generates: nonNilValues(s.Generates),
		}
		if s.Prelude.Value != "" {
			p := s.Prelude
			es.Prelude = &p
		}
		if s.Warm > 0 {
			es.Warm = &Value{Value: Short(s.Warm), Origin: s.WarmOrigin}
		}
		e.Steps = append(e.Steps, es)
	}
	return e
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilValues(v Values) Values {
	return Values{Values: nonNil(v.Values), Origin: v.Origin}
}
