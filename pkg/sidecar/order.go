package sidecar

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// selection is the services Up starts: those asked for and their
// dependencies, in an order where each comes after what it depends on.
type selection struct {
	project *types.Project
	order   []string
}

// selectServices resolves names against p. A service of an inactive
// profile is enabled when it is asked for (or depended on), as
// `docker compose up <service>` does. Unknown names are an
// *UnknownServiceError.
func selectServices(p *types.Project, names []string) (*selection, error) {
	all := p.AllServices()
	var unknown []string
	for _, n := range names {
		if _, ok := all[n]; !ok && !slices.Contains(unknown, n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		file := "the compose file"
		if len(p.ComposeFiles) > 0 {
			file = filepath.Base(p.ComposeFiles[0])
		}
		return nil, &UnknownServiceError{Names: unknown, Known: slices.Sorted(maps.Keys(all)), File: file}
	}
	need := closure(all, names)
	var disabled []string
	for _, n := range need {
		if _, ok := p.Services[n]; !ok {
			disabled = append(disabled, n)
		}
	}
	if len(disabled) > 0 {
		var err error
		if p, err = p.WithServicesEnabled(disabled...); err != nil {
			return nil, err
		}
	}
	order, err := topoSort(p, need)
	if err != nil {
		return nil, err
	}
	return &selection{project: p, order: order}, nil
}

// closure returns names and everything they depend on (required
// dependencies, and optional ones that exist), sorted.
func closure(all types.Services, names []string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		for dep := range all[n].DependsOn {
			if _, ok := all[dep]; ok {
				visit(dep)
			}
		}
	}
	for _, n := range names {
		visit(n)
	}
	return slices.Sorted(maps.Keys(seen))
}

// topoSort orders names so that each service follows its dependencies;
// ties are broken by name, so the order is stable.
func topoSort(p *types.Project, names []string) ([]string, error) {
	state := map[string]int{} // 1 visiting, 2 done
	var order []string
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("services depend on each other in a cycle: %s", strings.Join(append(path, n), " → "))
		case 2:
			return nil
		}
		state[n] = 1
		svc := p.Services[n]
		for _, dep := range slices.Sorted(maps.Keys(svc.DependsOn)) {
			if _, ok := p.Services[dep]; !ok {
				if svc.DependsOn[dep].Required {
					return fmt.Errorf("service %s depends on %q, which the compose file does not define", n, dep)
				}
				continue
			}
			if err := visit(dep, append(path, n)); err != nil {
				return err
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// Services returns the services Up(p, names) starts, in the order it
// starts them: names and their dependencies. Unknown names are an
// *UnknownServiceError.
func Services(p *types.Project, names []string) ([]string, error) {
	sel, err := selectServices(p, names)
	if err != nil {
		return nil, err
	}
	return sel.order, nil
}

// Dependencies returns names and everything they depend on, sorted.
func Dependencies(p *types.Project, names []string) []string {
	all := p.AllServices()
	var known []string
	for _, n := range names {
		if _, ok := all[n]; ok {
			known = append(known, n)
		}
	}
	return closure(all, known)
}
