// Package fingerprint decides whether a verb's work is unchanged since its
// last success: the files its sources globs match, the settings of its
// resolved plan (image digest, commands, env…) and the files its generates
// globs match. Records live in gazr's cache directory, never in the project.
package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"strings"
	"time"
)

// Inputs are what a verb's fingerprint covers.
type Inputs struct {
	// Root is the project root; the globs are relative to it.
	Root      string
	Sources   []string
	Generates []string
	// Settings are the parts of the resolved plan, by name ("image",
	// "commands", "env GOFLAGS"). Only their hashes are stored, so env
	// values never reach the cache.
	Settings map[string]string
	// Prescan, when not nil, is the walk of Sources already under way
	// (StartPrescan); nil makes Check walk them.
	Prescan *Prescan
}

// Verdict is the outcome of Check.
type Verdict struct {
	// Skip is true when sources, settings and generates are unchanged since
	// the last success, at Last.
	Skip bool
	Last time.Time
	// Reason says why the verb must run ("src/main.go changed"); "" when
	// Skip.
	Reason string
	// NoSources is true when Inputs.Sources matched no file: the verb's
	// work then looks unchanged forever, which is rarely what was meant.
	NoSources bool

	taken    time.Time
	settings map[string]string
	prev     *Record
	src      listing
	sources  Snapshot // nil until needed
}

// Check compares a verb's inputs with its last recorded success. When the
// stats of the sources and generates are those recorded, no file is read.
func (s *Store) Check(verb string, in Inputs) (*Verdict, error) {
	v := &Verdict{taken: time.Now(), settings: hashAll(in.Settings), prev: s.Load(verb)}
	src, ok, err := in.Prescan.listing(in)
	if !ok {
		src, err = scan(in.Root, in.Sources)
	}
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	v.src = src
	v.NoSources = len(in.Sources) > 0 && len(v.src.stats) == 0
	prev := v.prev
	if prev == nil {
		v.Reason = "no success recorded yet"
		return v, nil
	}
	v.Last = prev.Time
	if v.Reason = settingsChange(prev.Settings, v.settings); v.Reason != "" {
		return v, nil
	}
	if prev.SourcesStat == "" || prev.SourcesStat != v.src.digest {
		if prev.loadFiles() != nil {
			v.Reason = "no success recorded yet (its record was unreadable)"
			return v, nil
		}
		if v.sources, err = v.src.sums(in.Root, prev.Sources); err != nil {
			return nil, fmt.Errorf("sources: %w", err)
		}
		if v.Reason = filesChange(prev.Sources, v.sources, "source"); v.Reason != "" {
			return v, nil
		}
	}
	gen, err := scan(in.Root, in.Generates)
	if err != nil {
		return nil, fmt.Errorf("generates: %w", err)
	}
	genSums := prev.Generates
	if prev.GeneratesStat == "" || prev.GeneratesStat != gen.digest {
		if prev.loadFiles() != nil {
			v.Reason = "no success recorded yet (its record was unreadable)"
			return v, nil
		}
		genSums = prev.Generates
		if genSums, err = gen.sums(in.Root, prev.Generates); err != nil {
			return nil, fmt.Errorf("generates: %w", err)
		}
		if v.Reason = filesChange(prev.Generates, genSums, "output"); v.Reason != "" {
			return v, nil
		}
	}
	v.Skip = true
	if v.sources != nil || prev.GeneratesStat != gen.digest {
		// Unchanged, but only known by comparing contents (files touched,
		// or too recent to vouch for last time): refresh the stats so that
		// the next check needs none of that.
		s.refresh(verb, prev, v, gen, genSums)
	}
	return v, nil
}

// refresh rewrites an unchanged verb's record with the current stats of
// its files; a failure only costs the next check the same comparison.
func (s *Store) refresh(verb string, prev *Record, v *Verdict, gen listing, genSums Snapshot) {
	if prev.loadFiles() != nil {
		return
	}
	r := *prev
	if v.sources != nil {
		r.Sources, r.SourcesStat = racilyClean(v.sources, v.taken), v.src.digest
		if hasRacy(r.Sources) {
			r.SourcesStat = ""
		}
	}
	r.Generates, r.GeneratesStat = racilyClean(genSums, v.taken), gen.digest
	if hasRacy(r.Generates) {
		r.GeneratesStat = ""
	}
	_ = s.Save(verb, &r)
}

// Record stores a success: the sources and settings Check saw (before the
// run) and the generates as they are now (after it).
func (s *Store) Record(verb string, in Inputs, v *Verdict) error {
	var prevSrc, prevGen Snapshot
	if v.prev != nil && v.prev.loadFiles() == nil {
		prevSrc, prevGen = v.prev.Sources, v.prev.Generates
	}
	if v.sources == nil {
		var err error
		if v.sources, err = v.src.sums(in.Root, prevSrc); err != nil {
			return fmt.Errorf("sources: %w", err)
		}
	}
	now := time.Now()
	gen, err := scan(in.Root, in.Generates)
	if err != nil {
		return fmt.Errorf("generates: %w", err)
	}
	genSums, err := gen.sums(in.Root, prevGen)
	if err != nil {
		return fmt.Errorf("generates: %w", err)
	}
	r := &Record{Time: now, Settings: v.settings, SourcesStat: v.src.digest, GeneratesStat: gen.digest}
	if r.Sources = racilyClean(v.sources, v.taken); len(r.Sources) != len(v.sources) || hasRacy(r.Sources) {
		r.SourcesStat = ""
	}
	if r.Generates = racilyClean(genSums, now); hasRacy(r.Generates) {
		r.GeneratesStat = ""
	}
	return s.Save(verb, r)
}

// hasRacy reports files racilyClean marked: their stats must not vouch for
// their content next time.
func hasRacy(snap Snapshot) bool {
	for _, f := range snap {
		if f.MTime == 0 {
			return true
		}
	}
	return false
}

// racilyClean marks files modified within a second of the snapshot to be
// read again next time: a write in the same mtime tick would not show.
func racilyClean(snap Snapshot, taken time.Time) Snapshot {
	out := make(Snapshot, len(snap))
	limit := taken.Add(-time.Second).UnixNano()
	for p, f := range snap {
		if f.MTime >= limit {
			f.MTime = 0
		}
		out[p] = f
	}
	return out
}

func hashAll(settings map[string]string) map[string]string {
	out := make(map[string]string, len(settings))
	for k, v := range settings {
		sum := sha256.Sum256([]byte(v))
		out[k] = hex.EncodeToString(sum[:12])
	}
	return out
}

func settingsChange(old, cur map[string]string) string {
	if maps.Equal(old, cur) {
		return ""
	}
	for _, k := range sortedKeys(cur) {
		o, ok := old[k]
		switch {
		case !ok:
			return k + " was added"
		case o != cur[k]:
			return k + " changed"
		}
	}
	for _, k := range sortedKeys(old) {
		if _, ok := cur[k]; !ok {
			return k + " was removed"
		}
	}
	return ""
}

// filesChange names up to three changed files: "src/a.go changed,
// src/b.go is new (and 4 more)".
func filesChange(old, cur Snapshot, what string) string {
	var changes []string
	for _, p := range sortedKeys(cur) {
		o, ok := old[p]
		switch {
		case !ok:
			changes = append(changes, p+" is new")
		case o.Hash != cur[p].Hash:
			changes = append(changes, p+" changed")
		}
	}
	for _, p := range sortedKeys(old) {
		if _, ok := cur[p]; !ok {
			if what == "output" {
				changes = append(changes, p+" is missing")
			} else {
				changes = append(changes, p+" was removed")
			}
		}
	}
	if len(changes) == 0 {
		return ""
	}
	msg := strings.Join(changes[:min(3, len(changes))], ", ")
	if len(changes) > 3 {
		msg += fmt.Sprintf(" (and %d more)", len(changes)-3)
	}
	if what == "output" {
		msg = "output " + msg
	}
	return msg
}
