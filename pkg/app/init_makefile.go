package app

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/onboard"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/project"
)

// runWriteMakefile writes a Makefile forwarding each verb the project
// has (and deploy, when it has envs) to gazr, or prints it on a dry run.
func runWriteMakefile(opts *InitOptions) error {
	p, err := opts.Project()
	if err != nil {
		return err
	}
	verbs, err := makefileVerbs(p)
	if err != nil {
		return err
	}
	if len(verbs) == 0 {
		return fmt.Errorf("no verb is defined here, so a Makefile would have no target: define verbs in %s first (gazr init --write-config)", config.FileName)
	}
	data := onboard.RenderMakefile(verbs)
	if opts.DryRun {
		_, err := opts.IO.Out.Write(data)
		return err
	}
	path, err := onboard.WriteMakefile(p.Config.Root, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "wrote %s (%d targets calling gazr): make test now runs gazr test\n", path, len(verbs))
	return nil
}

// makefileVerbs are the verbs of config.Verbs that plan here (groups
// included), then deploy when the config has envs.
func makefileVerbs(p *Project) ([]string, error) {
	var verbs []string
	for _, verb := range config.Verbs {
		_, err := p.Plan(verb, project.PlanOptions{})
		var undef *plan.NotDefinedError
		if errors.As(err, &undef) {
			continue
		}
		if err != nil {
			return nil, err
		}
		verbs = append(verbs, verb)
	}
	if len(p.Config.Envs) > 0 && !slices.Contains(verbs, "deploy") {
		verbs = append(verbs, "deploy")
	}
	return verbs, nil
}
