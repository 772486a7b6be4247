package plan

import (
	"context"
	"errors"
	"slices"
)

// Walk calls fn for each step once all its deps have passed, running at
// most jobs of them at a time (jobs < 1 means 1), in the order of steps
// among those ready. After the first failure, or once ctx is done, no step
// starts; Walk waits for those running and returns the first error (ctx's
// error when it was cancelled first). With jobs = 1 the steps run one by
// one in order.
func Walk(ctx context.Context, steps []*Step, jobs int, fn func(context.Context, *Step) error) error {
	jobs = max(jobs, 1)
	type result struct {
		verb string
		err  error
	}
	passed := map[string]bool{}
	started := make([]bool, len(steps))
	results := make(chan result)
	running := 0
	var first error
	ready := func(s *Step) bool {
		for _, d := range s.Deps {
			if !passed[d.Value] {
				return false
			}
		}
		return true
	}
	for {
		for i, s := range steps {
			if running >= jobs || first != nil || ctx.Err() != nil {
				break
			}
			if started[i] || !ready(s) {
				continue
			}
			started[i] = true
			running++
			go func(s *Step) { results <- result{s.Verb, fn(ctx, s)} }(s)
		}
		if running == 0 {
			if first == nil && ctx.Err() == nil && slices.Contains(started, false) {
				// Resolve never builds such a plan (cycles are errors).
				return errors.New("plan: steps left whose deps can never pass")
			}
			break
		}
		r := <-results
		running--
		if r.err != nil && first == nil {
			first = r.err
		}
		passed[r.verb] = r.err == nil
	}
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// Width is the largest number of steps that may run at once: 1 when each
// step depends, directly or not, on the one before it.
func Width(steps []*Step) int {
	level := map[string]int{}
	count := map[int]int{}
	width := 0
	for _, s := range steps {
		l := 0
		for _, d := range s.Deps {
			l = max(l, level[d.Value]+1)
		}
		level[s.Verb] = l
		count[l]++
		width = max(width, count[l])
	}
	return width
}
