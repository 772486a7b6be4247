package convert

import (
	"maps"
	"time"
)

// Labels gazr puts on the objects of a stack.
const (
	// LabelNamespace is docker's stack label: `docker stack ls/ps/rm`
	// understand the objects that carry it.
	LabelNamespace = "com.docker.stack.namespace"
	// LabelProject names the gazr project.
	LabelProject = "io.gazr.project"
	// LabelEnv names the environment.
	LabelEnv = "io.gazr.env"
	// LabelVersion is the deployed version (on services, not on their
	// containers: a label there would restart every service on every
	// deploy, a database included, even when its image did not change).
	LabelVersion = "io.gazr.version"
	// LabelDeployedBy says who deployed a service.
	LabelDeployedBy = "io.gazr.deployed-by"
	// LabelDeployedAt is when a service was deployed, in RFC 3339.
	LabelDeployedAt = "io.gazr.deployed-at"
	// LabelRouteHost is the host name gazr's edge routes to a service.
	LabelRouteHost = "io.gazr.route.host"
	// LabelRoutePort is the container port gazr's edge routes to.
	LabelRoutePort = "io.gazr.route.port"
)

// reserved are the labels only gazr sets: a compose file's own values for
// them are dropped, even when gazr has none to set (no env, no version).
var reserved = []string{LabelNamespace, LabelProject, LabelEnv, LabelVersion, LabelDeployedBy, LabelDeployedAt}

// identity returns the labels every object of the stack carries.
func (c *converter) identity() map[string]string {
	l := map[string]string{LabelNamespace: c.ns, LabelProject: c.o.Project}
	if c.o.Env != "" {
		l[LabelEnv] = c.o.Env
	}
	if c.o.Version != "" {
		l[LabelVersion] = c.o.Version
	}
	return l
}

// objectLabels returns the labels of an object: its own (from compose),
// less the reserved ones, and the identity labels.
func (c *converter) objectLabels(own map[string]string) map[string]string {
	l := maps.Clone(own)
	if l == nil {
		l = map[string]string{}
	}
	for _, k := range reserved {
		delete(l, k)
	}
	maps.Copy(l, c.identity())
	return l
}

// deployLabels returns the labels of a service spec: routing labels, then
// the service's deploy.labels, then the identity and deployment labels.
func (c *converter) deployLabels(route, own map[string]string) map[string]string {
	l := maps.Clone(route)
	if l == nil {
		l = map[string]string{}
	}
	maps.Copy(l, c.objectLabels(own))
	if c.o.DeployedBy != "" {
		l[LabelDeployedBy] = c.o.DeployedBy
	}
	if !c.o.Now.IsZero() {
		l[LabelDeployedAt] = c.o.Now.UTC().Format(time.RFC3339)
	}
	return l
}

// containerLabels returns the labels of a service's containers: the
// object labels less the version (see LabelVersion).
func (c *converter) containerLabels(own map[string]string) map[string]string {
	l := c.objectLabels(own)
	delete(l, LabelVersion)
	return l
}
