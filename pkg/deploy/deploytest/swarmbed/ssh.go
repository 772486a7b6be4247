package swarmbed

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// sshDirPattern names the bed's temporary directory of ssh files: the
// bed's name, then this, then random characters ([Cleanup] finds those
// of crashed runs by it).
const sshDirPattern = ".ssh-*"

// makeSSHConfig makes the bed's key pair (ssh-keygen, ed25519, no
// passphrase) and an ssh_config logging in to any address of the bed's
// subnet as root with it, in a temporary directory that Close removes.
// The nodes authorize the public key (nodeEnv); host keys are not
// checked, since every bed's nodes have new ones.
func (b *Bed) makeSSHConfig(ctx context.Context) error {
	dir, err := os.MkdirTemp("", b.Name+sshDirPattern)
	if err != nil {
		return fmt.Errorf("ssh key pair: %w", err)
	}
	b.sshDir = dir
	key := filepath.Join(dir, "id_ed25519")
	out, err := exec.CommandContext(ctx, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", b.Name, "-f", key).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ssh-keygen: %w: %s", err, strings.TrimSpace(string(out)))
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		return fmt.Errorf("ssh key pair: %w", err)
	}
	b.publicKey = strings.TrimSpace(string(pub))
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(sshConfig(b.subnetPattern(), key)), 0o600); err != nil {
		return fmt.Errorf("ssh_config: %w", err)
	}
	b.SSHConfig = cfg
	return nil
}

// sshConfig is an ssh_config for the hosts matching pattern.
func sshConfig(pattern, key string) string {
	return fmt.Sprintf(`# The nodes of a gazr swarmbed: root with the bed's key; every node has
# a new host key, so none is checked or remembered.
Host %s
    User root
    IdentityFile %s
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
`, pattern, key)
}

// subnetPattern is the ssh_config Host pattern of the bed's /24:
// "192.168.X.*".
func (b *Bed) subnetPattern() string {
	a := b.hostAddr(0).String()
	return strings.TrimSuffix(a, "0") + "*"
}
