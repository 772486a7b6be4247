package sidecar

import (
	"context"
	"os"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
)

// load reads dir's compose project as gazr does for sidecar services: a Dev
// load given the test process's environment and COMPOSE_PROFILES.
func load(dir, project string) (*types.Project, error) {
	vars, profiles := compose.HostEnv(os.Environ())
	return compose.Load(context.Background(), compose.LoadOptions{Mode: compose.Dev, Dir: dir, Name: project, Environ: vars, Profiles: profiles})
}
