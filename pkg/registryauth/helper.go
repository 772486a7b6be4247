package registryauth

import (
	"fmt"
	"os/exec"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
)

// helperPrefix starts the name of every credential helper executable.
const helperPrefix = "docker-credential-"

// tokenUser is the user name a helper returns with an identity token.
const tokenUser = "<token>"

// fromHelper runs `docker-credential-<name> get` with server on stdin.
func (c *Config) fromHelper(name, server string) (Credentials, error) {
	program := helperPrefix + name
	if _, err := exec.LookPath(program); err != nil {
		return Credentials{}, fmt.Errorf("registry %s: credential helper %s (named in %s) is not installed or not on PATH", hostname(server), program, c.path)
	}
	got, err := client.Get(client.NewShellProgramFunc(program), server)
	if credentials.IsErrCredentialsNotFound(err) {
		return Credentials{}, nil
	}
	if err != nil {
		return Credentials{}, fmt.Errorf("registry %s: %s: %w", hostname(server), program, err)
	}
	if got.Username == tokenUser {
		return Credentials{ServerAddress: server, IdentityToken: got.Secret}, nil
	}
	return Credentials{ServerAddress: server, Username: got.Username, Password: got.Secret}, nil
}
