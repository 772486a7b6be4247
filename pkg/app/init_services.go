package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/container"
)

// This file is where gazr init and gazr doctor meet the sidecar services
// (pkg/sidecar): how the development compose project is loaded and how
// services are started.

// devCompose loads the project's compose file for development (with its
// override, .env and COMPOSE_PROFILES, as sidecars see it); nil when the
// project has none.
func devCompose(ctx context.Context, p *Project) (*types.Project, error) {
	proj, err := compose.Load(ctx, composeOptions(compose.Dev, p.Config.Root, p.Config.Name))
	if errors.Is(err, compose.ErrNotFound) {
		return nil, nil
	}
	return proj, err
}

// sidecarServices starts services with the sidecar manager. Whether it
// changed anything is read from the project's running containers before
// and after: the same IDs mean every service was reused as it was.
func sidecarServices(f *Factory) ServicesFunc {
	return func(ctx context.Context, p *Project, names []string) (bool, error) {
		proj, err := devCompose(ctx, p)
		if err != nil {
			return false, err
		}
		if proj == nil {
			return false, fmt.Errorf("the verbs need services %s but the project has no compose file (%s); add one that defines them",
				strings.Join(names, ", "), strings.Join(compose.FileNames, ", "))
		}
		api, err := f.client(ctx)
		if err != nil {
			return false, err
		}
		before, err := runningContainers(ctx, api, p.Config.Name)
		if err != nil {
			return false, err
		}
		if _, err := newManager(f.IO, api, p.Config.Name).Up(ctx, proj, names); err != nil {
			return false, err
		}
		after, err := runningContainers(ctx, api, p.Config.Name)
		if err != nil {
			return false, err
		}
		return !maps.Equal(before, after), nil
	}
}

// runningContainers returns the IDs of the project's running containers.
func runningContainers(ctx context.Context, api client.ContainerAPIClient, project string) (map[string]bool, error) {
	f := client.Filters{}.Add("label", container.LabelProject+"="+project).Add("status", "running")
	list, err := api.ContainerList(ctx, client.ContainerListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list the containers of project %s: %w", project, err)
	}
	ids := map[string]bool{}
	for _, c := range list.Items {
		ids[c.ID] = true
	}
	return ids, nil
}
