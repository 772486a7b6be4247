package pvebed

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// TokenEnv is the variable [Bed.Environ] sets to the fake's token.
const TokenEnv = "PVE_TOKEN"

// EnvTOML is the env's block for a project's .gazr.toml: backend
// "proxmox", the fake's URL pinned by its certificate's fingerprint, the
// cluster tag, the two templates, root over ssh with the bed's key, and
// the bed's registry.
func (b *Bed) EnvTOML() string {
	q := strconv.Quote
	return fmt.Sprintf(`[env.%[1]s]
backend = "proxmox"

[env.%[1]s.proxmox]
url = %[2]s
token_env = %[3]s
fingerprint = %[4]s
cluster_tag = %[5]s
template = { manager = %[6]d, worker = %[7]d }
ssh_user = "root"
ssh_key = %[8]s
registry = %[9]s
`, b.opts.Env, q(b.URL), q(TokenEnv), q(b.Fake.Fingerprint()), q(b.ClusterTag()),
		ManagerTemplate, WorkerTemplate, q(b.PublicKey()), q(b.Swarm.RegistryAddr))
}

// Env is the env as gazr loads it from [Bed.EnvTOML].
func (b *Bed) Env() *config.Environment {
	cfg, err := config.Parse(".gazr.toml", []byte(b.EnvTOML()))
	if err != nil {
		panic(fmt.Sprintf("pvebed: the env block does not load: %v\n%s", err, b.EnvTOML()))
	}
	return cfg.Envs[b.opts.Env]
}

// PublicKey is the file of the bed's public key, the env's ssh_key.
func (b *Bed) PublicKey() string {
	return filepath.Join(filepath.Dir(b.Swarm.SSHConfig), "id_ed25519.pub")
}

// Environ is the environment gazr needs besides the env: the token, the
// bed's ssh_config (sshconn.ConfigEnv) and a docker config holding the
// registry's login, as NAME=value.
func (b *Bed) Environ() []string {
	return []string{
		TokenEnv + "=" + pvefake.DefaultToken,
		sshconn.ConfigEnv + "=" + b.Swarm.SSHConfig,
		"DOCKER_CONFIG=" + b.dockerCfg,
	}
}

// writeDockerConfig writes a docker config directory whose config.json
// logs in to the bed's registry, beside the bed's ssh files (swarmbed's
// Close, or its Cleanup after a crash, removes them).
func (b *Bed) writeDockerConfig() error {
	dir := filepath.Join(filepath.Dir(b.Swarm.SSHConfig), "docker")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	b.dockerCfg = dir
	user, pw := b.Swarm.RegistryLogin()
	cfg := map[string]any{"auths": map[string]any{
		b.Swarm.RegistryAddr: map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + pw))},
	}}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600)
}
