package agent

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gazr-io/gazr/pkg/chaos"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/local"
)

// experiments runs the env's experiments every Chaos.Every, within its
// window: one drawn at random from Chaos.Experiments, through the local
// backend (the agent's manager engine: a task is killed on this node, a
// node is drained rather than stopped). Each is recorded in the history
// by chaos.Run; a refusal is logged, and tried again Every later.
type experiments struct {
	o    Options
	next time.Time // when the next may run (real time, as the history's)
}

func (x *experiments) tick(ctx context.Context) {
	c := x.o.Config.Chaos
	if !c.Enabled || c.Every <= 0 {
		return
	}
	now := time.Now()
	if x.next.IsZero() {
		// After a restart: Every after the last experiment the agent ran.
		if last := x.last(ctx); !last.IsZero() {
			x.next = last.Add(c.Every)
		}
	}
	if now.Before(x.next) {
		return
	}
	if c.Window != "" {
		w, err := config.ParseWindow(c.Window)
		loc, lerr := time.LoadLocation(c.TZ)
		if err != nil || lerr != nil || !w.Contains(x.o.Now().In(loc)) {
			return
		}
	}
	// Every from the end of this one: experiments never run back to
	// back, holding the env's lock.
	defer func() { x.next = time.Now().Add(c.Every) }()
	names := c.Experiments
	if len(names) == 0 {
		names = []string{"kill-task"}
	}
	exp, ok := chaos.Find(names[rand.IntN(len(names))])
	if !ok {
		logf(x.o, "chaos: unknown experiment %q", strings.Join(names, ", "))
		return
	}
	env := &config.Environment{Name: x.o.Config.Env, Backend: "local", EdgePort: x.o.Config.EdgePort, Chaos: c, Timeout: x.o.Config.Timeout}
	b, err := local.New(deploy.BackendOptions{Env: env, Log: x.o.Out})
	if err != nil {
		logf(x.o, "chaos: %v", err)
		return
	}
	logf(x.o, "chaos: %s", exp.Name)
	r, err := chaos.Run(ctx, chaos.Options{Backend: b, API: x.o.API, Env: env, Namespace: x.o.Config.Namespace, Experiment: exp, Out: x.o.Out})
	var refused *chaos.RefusedError
	switch {
	case errors.As(err, &refused):
		logf(x.o, "chaos: %s refused: %v", exp.Name, err)
	case err != nil:
		logf(x.o, "chaos: %s: %v", exp.Name, err)
	case r.Held:
		logf(x.o, "chaos: held: %s", r.Summary())
	case r.Aborted:
		logf(x.o, "chaos: aborted, nothing was hit: %s", strings.Join(r.Why, "; "))
	default:
		logf(x.o, "chaos: did not hold: %s", r.Summary())
	}
}

// last is when the agent last ran an experiment, by the history; zero
// when never.
func (x *experiments) last(ctx context.Context) time.Time {
	history, err := deploy.History(ctx, x.o.API, x.o.Config.Namespace)
	if err != nil {
		return time.Time{}
	}
	for _, r := range history {
		if r.Kind == "chaos" && strings.HasPrefix(r.By, deploy.AgentName+"@") {
			return r.At
		}
	}
	return time.Time{}
}
