package config

import (
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// checkDeps reports the first cycle in the verbs' deps as an error at the
// deps key of the verb where it was found, naming the whole cycle
// ("test-unit -> build -> test-unit").
func (d *decoder) checkDeps(verbs map[string]*Verb) error {
	const (
		unseen = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string) []string
	visit = func(name string) []string {
		switch state[name] {
		case visiting:
			i := slices.Index(stack, name)
			return append(slices.Clone(stack[i:]), name)
		case done:
			return nil
		}
		state[name] = visiting
		stack = append(stack, name)
		if v := verbs[name]; v != nil {
			for _, dep := range v.Deps {
				if cycle := visit(dep); cycle != nil {
					return cycle
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		return nil
	}
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if cycle := visit(n); cycle != nil {
			return d.errorf([]string{"verbs", cycle[0], "deps"}, "deps form a cycle: %s", strings.Join(cycle, " -> "))
		}
	}
	return nil
}

// CheckGlob returns why pattern is not a valid sources/generates glob, or
// "" when it is: slash-separated, relative to the project root, inside it,
// and well-formed in doublestar's language (the one fingerprint matches
// with: "{a,b}", "[!x]"), with "**" only as a whole segment.
func CheckGlob(pattern string) string {
	switch {
	case strings.TrimSpace(pattern) == "":
		return "is empty"
	case strings.HasPrefix(pattern, "/") || strings.Contains(pattern, `\`):
		return "must be a slash-separated path relative to the project root"
	}
	for _, seg := range strings.Split(pattern, "/") {
		if seg == ".." {
			return "must stay inside the project"
		}
		if strings.Contains(seg, "**") && seg != "**" {
			return `uses "**" inside a name; "**" must be a whole path segment ("src/**/*.go")`
		}
	}
	if !doublestar.ValidatePattern(pattern) {
		return `is not a valid glob: a "[" or "{" is not closed`
	}
	return ""
}
