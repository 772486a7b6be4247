package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// This file is where gazr init meets the sidecar services (pkg/sidecar,
// built on the services branch): how the development compose project is
// loaded and how services are started. Until that branch is merged, the
// main compose file alone is loaded and starting services is an error.

// devCompose loads the project's compose file for development; nil when
// the project has none.
func devCompose(ctx context.Context, p *Project) (*types.Project, error) {
	return loadCompose(ctx, p)
}

// sidecarServices starts services with the sidecar manager.
func sidecarServices(_ *Factory) ServicesFunc {
	return func(_ context.Context, _ *Project, names []string) (bool, error) {
		return false, fmt.Errorf("cannot start services %s: sidecar services (pkg/sidecar) are not in this build of gazr yet; start them with docker compose up -d %s meanwhile",
			strings.Join(names, ", "), strings.Join(names, " "))
	}
}
