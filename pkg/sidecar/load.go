package sidecar

import (
	"context"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
)

// Load reads the project's compose file for development, as docker
// compose does: the main file (compose.yaml, docker-compose.yml…) with
// its override (compose.override.yaml), .env, interpolation from the
// process environment, and the profiles of COMPOSE_PROFILES (Up also
// enables a profile's service when it is asked for by name). A problem in
// a file is a *compose.Error with file:line; no compose file is an error
// wrapping compose.ErrNotFound.
func Load(ctx context.Context, root, project string) (*types.Project, error) {
	var profiles []string
	for _, p := range strings.Split(os.Getenv("COMPOSE_PROFILES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			profiles = append(profiles, p)
		}
	}
	return compose.Load(ctx, compose.LoadOptions{Dir: root, Name: project, Override: true, Profiles: profiles})
}
