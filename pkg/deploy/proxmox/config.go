package proxmox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// settings resolves an env's [env.X.proxmox] table with its defaults, and
// refuses what the config package could not tell (an env built in code).
func settings(env *config.Environment) (config.Proxmox, error) {
	if env.Proxmox == nil {
		return config.Proxmox{}, &config.Error{Msg: fmt.Sprintf("env %s: backend = \"proxmox\" needs [env.%s.proxmox] with url, token_env and cluster_tag or pool", env.Name, env.Name)}
	}
	p := *env.Proxmox
	if p.Address == "" {
		p.Address = "agent"
	}
	if p.Template.Worker == 0 {
		p.Template.Worker = p.Template.Manager
	}
	switch {
	case p.URL == "" || p.TokenEnv == "":
		return p, &config.Error{Msg: fmt.Sprintf("env %s: [env.%s.proxmox] needs url and token_env", env.Name, env.Name)}
	case p.ClusterTag == "" && p.Pool == "":
		return p, &config.Error{Msg: fmt.Sprintf("env %s: [env.%s.proxmox] needs cluster_tag or pool: how gazr tells the env's VMs from the others", env.Name, env.Name)}
	case p.Address != "agent" && p.Address != "ipconfig":
		return p, &config.Error{Msg: fmt.Sprintf("env %s: proxmox address %q must be agent or ipconfig", env.Name, p.Address)}
	}
	if env.Manager != "" {
		// A pinned manager (manager = "…" in [env.X]) is used instead of
		// the VMs: check it as the local backend does.
		if _, err := deploy.ResolveEndpoint(env); err != nil {
			return p, err
		}
	}
	return p, nil
}

// registryName is where the env's images go: the env's registry key when
// set (it wins, as for aws), else the proxmox table's; "" for none.
func registryName(env *config.Environment, p config.Proxmox) string {
	if env.Registry != "" {
		return env.Registry
	}
	return p.Registry
}

// defaultKeys are the public keys tried, in order, when ssh_key is not
// set: ssh-keygen's default files.
var defaultKeys = []string{"id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"}

// publicKey reads the key cloud-init authorises in new VMs: ssh_key
// (a leading ~/ is the home directory), else the first of defaultKeys in
// ~/.ssh.
func publicKey(env string, p config.Proxmox, home string) (string, error) {
	var files []string
	switch {
	case p.SSHKey != "" && strings.HasPrefix(p.SSHKey, "~/"):
		files = []string{filepath.Join(home, p.SSHKey[2:])}
	case p.SSHKey != "":
		files = []string{p.SSHKey}
	default:
		for _, k := range defaultKeys {
			files = append(files, filepath.Join(home, ".ssh", k))
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		switch {
		case err == nil && len(strings.Fields(string(b))) >= 2:
			return strings.TrimSpace(string(b)), nil
		case err == nil:
			return "", setupf("env %s: %s is not an SSH public key (want \"ssh-ed25519 AAAA… comment\")", env, f)
		case p.SSHKey != "":
			return "", setupf("env %s: ssh_key in [env.%s.proxmox]: %v", env, env, err)
		}
	}
	return "", setupf("env %s: no SSH public key to give the new VMs (looked for %s): run ssh-keygen -t ed25519, or set ssh_key = \"…pub\" in [env.%s.proxmox]",
		env, strings.Join(files, ", "), env)
}

// setupf is an error of the env's set-up (exit code 2): deploy.ErrSetup
// without saying so.
func setupf(format string, args ...any) error {
	return marked{fmt.Errorf(format, args...), deploy.ErrSetup}
}

// marked is an error that is also kind (errors.Is) without its words.
type marked struct{ err, kind error }

func (e marked) Error() string   { return e.err.Error() }
func (e marked) Unwrap() error   { return e.err }
func (e marked) Is(t error) bool { return t == e.kind }
