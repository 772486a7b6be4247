package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/swarm"
)

// unredact returns copies of recorded specs (from the history) with their
// Redacted values taken back from the running services of the same names:
// a rollback re-applies the specs, and swarm needs the real values. A
// value it cannot find is an error: the history never had it.
func unredact(recorded []swarm.ServiceSpec, running []swarm.Service) ([]swarm.ServiceSpec, error) {
	out := make([]swarm.ServiceSpec, len(recorded))
	for i, s := range recorded {
		c, err := deepCopy(s)
		if err != nil {
			return nil, err
		}
		out[i] = c
		j := slices.IndexFunc(running, func(r swarm.Service) bool { return r.Spec.Name == s.Name })
		var cur swarm.ServiceSpec
		if j >= 0 {
			cur = running[j].Spec
		}
		missing := func(what string) error {
			return fmt.Errorf("%s of service %s was redacted in the history and the running service has no value for it; deploy that version again instead", what, s.Name)
		}
		if err := unredactLabels(out[i].Labels, cur.Labels, missing); err != nil {
			return nil, err
		}
		cs, ccs := out[i].TaskTemplate.ContainerSpec, cur.TaskTemplate.ContainerSpec
		if cs == nil {
			continue
		}
		if ccs == nil {
			ccs = &swarm.ContainerSpec{}
		}
		if err := unredactLabels(cs.Labels, ccs.Labels, missing); err != nil {
			return nil, err
		}
		if err := unredactEnv(cs.Env, ccs.Env, missing); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			name      string
			rec, curr *[]string
		}{{"args", &cs.Args, &ccs.Args}, {"command", &cs.Command, &ccs.Command}} {
			if redacted(*f.rec) {
				if redacted(*f.curr) || len(*f.curr) == 0 {
					return nil, missing(f.name)
				}
				*f.rec = slices.Clone(*f.curr)
			}
		}
		if hc := cs.Healthcheck; hc != nil && redacted(hc.Test) {
			if ccs.Healthcheck == nil || len(ccs.Healthcheck.Test) == 0 {
				return nil, missing("the health check")
			}
			hc.Test = slices.Clone(ccs.Healthcheck.Test)
		}
	}
	return out, nil
}

func unredactEnv(env, cur []string, missing func(string) error) error {
	for i, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if v != Redacted {
			continue
		}
		j := slices.IndexFunc(cur, func(c string) bool { return strings.HasPrefix(c, k+"=") })
		if j < 0 {
			return missing("env " + k)
		}
		env[i] = cur[j]
	}
	return nil
}

func unredactLabels(l, cur map[string]string, missing func(string) error) error {
	for k, v := range l {
		if v != Redacted {
			continue
		}
		c, ok := cur[k]
		if !ok || c == Redacted {
			return missing("label " + k)
		}
		l[k] = c
	}
	return nil
}

func redacted(list []string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, Redacted) })
}
