// Package image builds a service's image from its build context, names it
// after the project's git revision and pushes it to a registry, all through
// the Engine API (the legacy builder: no BuildKit session, no docker CLI).
package image

import (
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// Ref returns the reference of a service's image,
// "<registry>/<project>/<service>:<version>", or "<project>/<service>:<version>"
// when registry is empty (images stay on the engine that built them).
//
// Registry, project and service are lower-cased (image names are); version is
// a tag and keeps its case. Registry is "host[:port]" optionally followed by a
// path ("ghcr.io/acme"); its host must look like one (contain a "." or a ":",
// or be "localhost"), or the engine would take it for a Docker Hub namespace.
// The result is validated with the distribution/reference grammar: an invalid
// name or tag is an error saying which part is wrong.
func Ref(registry, project, service, version string) (string, error) {
	if project == "" || service == "" {
		return "", fmt.Errorf("image name: project (%q) and service (%q) must not be empty", project, service)
	}
	name := strings.ToLower(project) + "/" + strings.ToLower(service)
	if registry != "" {
		reg, err := registryPrefix(registry)
		if err != nil {
			return "", err
		}
		name = reg + "/" + name
	}
	named, err := reference.WithName(name)
	if err != nil {
		return "", fmt.Errorf("image name %q: %w: names may use lower-case letters, digits and the separators '.', '_', '-'", name, err)
	}
	if version == "" {
		return "", fmt.Errorf("image %s: empty version (tag)", name)
	}
	tagged, err := reference.WithTag(named, version)
	if err != nil {
		return "", fmt.Errorf("image %s: tag %q: %w: a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'", name, version, err)
	}
	return tagged.String(), nil
}

// registryPrefix lower-cases and checks the registry part of a reference.
func registryPrefix(registry string) (string, error) {
	reg := strings.TrimSuffix(strings.ToLower(registry), "/")
	if strings.Contains(reg, "://") {
		return "", fmt.Errorf("registry %q: write it as host[:port][/path], without a scheme", registry)
	}
	host, _, _ := strings.Cut(reg, "/")
	if host == "" {
		return "", errors.New("registry: empty host")
	}
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return "", fmt.Errorf("registry %q: %q is not a registry host (it would mean a Docker Hub namespace): add the port (%s:5000) or the domain", registry, host, host)
	}
	return reg, nil
}
