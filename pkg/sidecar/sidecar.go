// Package sidecar runs a project's compose services next to its steps, on
// the local engine: the database and cache that `gazr test-integration`
// needs, and the whole app for `gazr run`.
//
// Every service of a project runs in one container named
// gazr-<project>-<service>, on one network gazr-<project> where its alias
// is the service name (so `db:5432` resolves from the steps, which join
// the same network). Containers, networks and volumes carry the labels
// io.gazr.managed and io.gazr.project=<project>; containers also carry
// io.gazr.service=<service> and io.gazr.config-hash, a hash of everything
// the container is created from (its converted definition and image ID).
//
// Services stay up between runs: Up reuses a container whose hash is
// unchanged (starting it again when it was stopped) and recreates one whose
// definition changed, as docker compose does. Stop stops them; Destroy
// removes them, their network and, when asked, their volumes.
package sidecar

import (
	"io"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/image"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// Labels of sidecar objects, on top of container.LabelManaged and
// container.LabelProject.
const (
	// LabelService names the compose service a container runs.
	LabelService = "io.gazr.service"
	// LabelConfigHash is the hash of the container's definition (see Spec).
	LabelConfigHash = "io.gazr.config-hash"
	// LabelVolume names the compose volume a volume was created for.
	LabelVolume = "io.gazr.volume"
	// LabelNetwork marks the project's sidecar network.
	LabelNetwork = "io.gazr.network"
)

// API is the part of the engine API that sidecars need.
type API interface {
	client.ContainerAPIClient
	client.NetworkAPIClient
	client.VolumeAPIClient
	client.ImageAPIClient
}

// BuildAPI builds the images of services that have a build section.
type BuildAPI interface {
	image.BuildAPI
}

// DefaultTimeout bounds the wait for one service to become healthy when
// Manager.Timeout is zero. The engine itself declares a service unhealthy
// after its health check's retries, which is usually much sooner.
const DefaultTimeout = 2 * time.Minute

// Manager starts, stops and removes the services of one project.
type Manager struct {
	API API
	// Project is gazr's project name (labels, container and network names).
	Project string
	// Out receives progress lines; nil discards them.
	Out io.Writer
	// Color paints progress; the zero value paints nothing.
	Color iostreams.Scheme
	// Builder builds services that have a build section. Nil makes such a
	// service an error unless its image exists.
	Builder BuildAPI
	// Timeout bounds the wait for each service to become healthy; 0 means
	// DefaultTimeout.
	Timeout time.Duration
}

// NetworkName is the name of a project's sidecar network.
func NetworkName(project string) string { return "gazr-" + project }

// ContainerName is the name of the container running a project's service.
func ContainerName(project, service string) string { return "gazr-" + project + "-" + service }

// objectLabels are the labels of every object Manager creates.
func objectLabels(project string) map[string]string {
	return map[string]string{container.LabelManaged: "true", container.LabelProject: project}
}

// projectFilter selects the objects of project that gazr manages (not the
// swarm objects of its deploys, which carry no io.gazr.managed).
func projectFilter(project string) client.Filters {
	return client.Filters{}.Add("label", container.LabelManaged+"=true").Add("label", container.LabelProject+"="+project)
}

func (m *Manager) out() io.Writer {
	if m.Out == nil {
		return io.Discard
	}
	return m.Out
}

func (m *Manager) timeout() time.Duration {
	if m.Timeout <= 0 {
		return DefaultTimeout
	}
	return m.Timeout
}

// serviceImage is the image a service runs: its image, else the tag its
// build gets.
func serviceImage(project string, svc types.ServiceConfig) string {
	if svc.Image != "" {
		return svc.Image
	}
	return BuildTag(project, svc.Name)
}
