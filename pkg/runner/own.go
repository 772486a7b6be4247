package runner

import (
	"context"

	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
)

// RunOwn runs the project's own definition of a verb that gazr also
// implements (stop, destroy), before gazr's part; nothing when the project
// defines none. Its steps need the gazr-task helper if they use it.
func RunOwn(ctx context.Context, opts *Options, p *project.Project, verb string, po project.PlanOptions) error {
	if !plan.Defined(p.Config, p.Convention, verb) {
		return nil
	}
	po.NeedHelper = true
	pl, err := p.Plan(verb, po)
	if err != nil {
		return err
	}
	return Run(ctx, opts, p, pl)
}
