package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
)

// graph builds a plan's steps: the targets, each verb's deps before it,
// every verb once, in an order where each step comes after its deps.
type graph struct {
	cfg   *config.Config
	conv  *convention.Convention
	opts  Options
	steps []*Step
	index map[string]*Step
	// path is the chain of verbs being expanded, to name a cycle.
	path []string
}

// add adds verb (and, first, its deps) to the graph. after is an implicit
// ordering dep (the previous member of a group), or "" for none.
func (g *graph) add(verb string, after Value) (*Step, error) {
	if s, ok := g.index[verb]; ok {
		if after.Value != "" && !hasDep(s, after.Value) {
			if chain := g.chain(after.Value, verb); chain != nil {
				return nil, &config.Error{Path: g.cfg.Path, Pos: g.cfg.Pos["verbs."+verb+".deps"],
					Msg: fmt.Sprintf("deps form a cycle: %s -> %s (%s runs %s first)",
						strings.Join(chain, " -> "), after.Value, strings.TrimPrefix(after.Origin, "group "), after.Value)}
			}
			s.Deps = append(s.Deps, after)
		}
		return s, nil
	}
	if i := slices.Index(g.path, verb); i >= 0 {
		cycle := append(slices.Clone(g.path[i:]), verb)
		return nil, &config.Error{Path: g.cfg.Path, Pos: g.cfg.Pos["verbs."+g.path[i]+".deps"],
			Msg: "deps form a cycle: " + strings.Join(cycle, " -> ")}
	}
	g.path = append(g.path, verb)
	defer func() { g.path = g.path[:len(g.path)-1] }()

	var deps []Value
	if after.Value != "" {
		deps = append(deps, after)
	}
	if v := g.cfg.Verbs[verb]; v != nil {
		from := origin(g.cfg, "verbs."+verb+".deps")
		for _, dep := range v.Deps {
			names, err := g.addTarget(dep, from)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				if !slices.ContainsFunc(deps, func(d Value) bool { return d.Value == n }) {
					deps = append(deps, Value{n, from})
				}
			}
		}
	}
	s, err := resolveStep(g.cfg, g.conv, verb, g.opts)
	if err != nil {
		return nil, err
	}
	s.Deps = deps
	g.index[verb] = s
	g.steps = append(g.steps, s)
	return s, nil
}

// addTarget adds a verb named as a dep: a defined verb, or a group's
// defined members in order. It returns the verbs the dependent waits for.
func (g *graph) addTarget(verb, from string) ([]string, error) {
	if Defined(g.cfg, g.conv, verb) {
		if _, err := g.add(verb, Value{}); err != nil {
			return nil, err
		}
		return []string{verb}, nil
	}
	members, err := g.addGroup(verb)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, &config.Error{Path: g.cfg.Path, Pos: g.cfg.Pos["verbs."+g.path[len(g.path)-1]+".deps"],
			Msg: fmt.Sprintf("%s: deps names %q, which is not defined here; define [verbs.%s] or remove it from deps", from, verb, verb)}
	}
	return members, nil
}

// addGroup adds a group's defined members, each after the previous one,
// so that `gazr test` runs unit tests before integration tests and stops at
// the first failure.
func (g *graph) addGroup(group string) ([]string, error) {
	var members []string
	prev := Value{}
	for _, m := range config.Groups[group] {
		if !Defined(g.cfg, g.conv, m) {
			continue
		}
		if _, err := g.add(m, prev); err != nil {
			return nil, err
		}
		members = append(members, m)
		prev = Value{m, "group " + group}
	}
	return members, nil
}

// chain returns a dependency path from verb `from` down to verb `to`
// (from -> ... -> to), or nil when from does not depend on to.
func (g *graph) chain(from, to string) []string {
	if from == to {
		return []string{to}
	}
	s := g.index[from]
	if s == nil {
		return nil
	}
	for _, d := range s.Deps {
		if rest := g.chain(d.Value, to); rest != nil {
			return append([]string{from}, rest...)
		}
	}
	return nil
}

func hasDep(s *Step, verb string) bool {
	return slices.ContainsFunc(s.Deps, func(d Value) bool { return d.Value == verb })
}

// whyNot says why verb is not defined by conv; empty for a group, whose
// members say.
func whyNot(conv *convention.Convention, verb string) string {
	if _, group := config.Groups[verb]; conv == nil || group {
		return ""
	}
	return conv.WhyNot(verb)
}
