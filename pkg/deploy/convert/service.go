package convert

import (
	"fmt"
	"regexp"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/swarm"
)

// validServiceName is swarmkit's rule for service names (a DNS label).
var validServiceName = regexp.MustCompile(`^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`)

// service converts one compose service into a swarm service spec.
func (c *converter) service(s types.ServiceConfig) (swarm.ServiceSpec, error) {
	name := c.ns + "_" + s.Name
	if len(name) > 63 || !validServiceName.MatchString(name) {
		return swarm.ServiceSpec{}, fmt.Errorf("swarm name %q is invalid: at most 63 letters, digits, '-' and '_'; shorten the project, environment or service name", name)
	}
	if err := unsupported(c.p, s); err != nil {
		return swarm.ServiceSpec{}, err
	}
	image, err := c.image(s)
	if err != nil {
		return swarm.ServiceSpec{}, err
	}
	cs, err := c.containerSpec(s, image)
	if err != nil {
		return swarm.ServiceSpec{}, err
	}
	task, err := c.taskSpec(s, cs)
	if err != nil {
		return swarm.ServiceSpec{}, err
	}
	mode, err := c.mode(s)
	if err != nil {
		return swarm.ServiceSpec{}, err
	}
	endpoint, err := endpointSpec(s)
	if err != nil {
		return swarm.ServiceSpec{}, err
	}
	route, err := c.routeLabels(s)
	if err != nil {
		return swarm.ServiceSpec{}, err
	}
	update, rollback := updateConfigs(s)
	return swarm.ServiceSpec{
		Annotations:    swarm.Annotations{Name: name, Labels: c.deployLabels(route, deployOf(s).Labels)},
		TaskTemplate:   task,
		Mode:           mode,
		UpdateConfig:   update,
		RollbackConfig: rollback,
		EndpointSpec:   endpoint,
	}, nil
}

// taskSpec wraps container spec cs into the task template of s.
func (c *converter) taskSpec(s types.ServiceConfig, cs *swarm.ContainerSpec) (swarm.TaskSpec, error) {
	nets, err := c.serviceNetworks(s)
	if err != nil {
		return swarm.TaskSpec{}, err
	}
	res, err := resources(s)
	if err != nil {
		return swarm.TaskSpec{}, err
	}
	restart, err := restartPolicy(s)
	if err != nil {
		return swarm.TaskSpec{}, err
	}
	return swarm.TaskSpec{
		ContainerSpec: cs,
		Resources:     res,
		RestartPolicy: restart,
		Placement:     placement(s),
		Networks:      nets,
		LogDriver:     logDriver(s),
	}, nil
}

// image returns the image s runs: the one the caller built, else compose's.
func (c *converter) image(s types.ServiceConfig) (string, error) {
	if img := c.o.Images[s.Name]; img != "" {
		return img, nil
	}
	if s.Image != "" {
		return s.Image, nil
	}
	if s.Build != nil {
		return "", fmt.Errorf("build: swarm cannot build images, and no image was built and pushed for it; give it an `image`")
	}
	return "", fmt.Errorf("image: the service has no image")
}
