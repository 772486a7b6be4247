package registryauth

import (
	"errors"
	"fmt"
	"os/exec"
	"slices"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/moby/moby/api/types/registry"
)

// All returns the credentials of every registry the docker config knows
// (auths, credHelpers, and what the credsStore lists), keyed by server,
// as an image build takes them to pull its base images: the engine picks
// the registry's own. Registries whose credentials cannot be read are
// left out and their errors joined in the error; the credentials read are
// returned all the same, since a build needs only its base images' (the
// docker CLI ignores these errors for the same reason).
func (c *Config) All() (map[string]registry.AuthConfig, error) {
	servers := make([]string, 0, len(c.Auths)+len(c.CredHelpers))
	for s := range c.Auths {
		servers = append(servers, s)
	}
	for s := range c.CredHelpers {
		servers = append(servers, s)
	}
	var errs []error
	if c.CredsStore != "" {
		listed, err := c.list(c.CredsStore)
		errs = append(errs, err)
		servers = append(servers, listed...)
	}
	slices.Sort(servers)
	out := make(map[string]registry.AuthConfig, len(servers))
	for _, s := range slices.Compact(servers) {
		cred, err := c.Get(hostname(s))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !cred.Anonymous() {
			out[cred.ServerAddress] = registry.AuthConfig{
				Username: cred.Username, Password: cred.Password,
				IdentityToken: cred.IdentityToken, ServerAddress: cred.ServerAddress,
			}
		}
	}
	return out, errors.Join(errs...)
}

// list asks a credential helper for the servers it holds.
func (c *Config) list(name string) ([]string, error) {
	program := helperPrefix + name
	if _, err := exec.LookPath(program); err != nil {
		return nil, fmt.Errorf("credential helper %s (named in %s) is not installed or not on PATH", program, c.path)
	}
	got, err := client.List(client.NewShellProgramFunc(program))
	if err != nil {
		return nil, fmt.Errorf("%s list: %w", program, err)
	}
	servers := make([]string, 0, len(got))
	for s := range got {
		servers = append(servers, s)
	}
	return servers, nil
}
