package app

import (
	"context"
	"fmt"

	"github.com/gazr-io/gazr/pkg/plan"
)

// startServices starts the compose services the plan's steps list, healthy,
// on the project's network, and points each step at that network.
func startServices(ctx context.Context, opts *VerbOptions, pl *plan.Plan) error {
	for _, s := range pl.Steps {
		if len(s.Services.Values) > 0 {
			return fmt.Errorf("step %s needs services %v (%s): sidecar services are not built yet", s.Verb, s.Services.Values, s.Services.Origin)
		}
	}
	return nil
}
