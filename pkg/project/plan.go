package project

import (
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/taskfile"
)

// PlanOptions are the inputs of resolving a verb beyond the project's.
type PlanOptions struct {
	// Args are passed to the verb's steps (after --).
	Args []string
	// FindHelper finds the gazr-task helper of Taskfile projects; nil
	// looks for it next to gazr.
	FindHelper func() (string, error)
	// NeedHelper makes a missing helper an error when a step uses it: a
	// plan that runs needs it, a dry run or explain shows the mount
	// without a source.
	NeedHelper bool
}

// Plan resolves verb for the project with the host's user and gazr's
// version. When the project's verbs are Taskfile tasks it finds the
// gazr-task helper to mount.
func (p *Project) Plan(verb string, o PlanOptions) (*plan.Plan, error) {
	opts := plan.Options{Args: o.Args, User: p.User, Version: p.Version}
	var helperErr error
	if p.Convention != nil && p.Convention.Taskfile {
		find := o.FindHelper
		if find == nil {
			find = taskfile.FindHelper
		}
		opts.TaskHelper, helperErr = find()
	}
	pl, err := plan.Resolve(p.Config, p.Convention, verb, opts)
	if err != nil {
		return nil, err
	}
	if o.NeedHelper && helperErr != nil && UsesHelper(pl) {
		return nil, helperErr
	}
	return pl, nil
}

// UsesHelper says whether a step of pl mounts the gazr-task helper.
func UsesHelper(pl *plan.Plan) bool {
	for _, s := range pl.Steps {
		for _, m := range s.Mounts {
			if m.Target == taskfile.HelperTarget {
				return true
			}
		}
	}
	return false
}
