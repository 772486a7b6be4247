package pvebed

import (
	"slices"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// TestEnv loads the env block as gazr does: what it says is what tests
// and users get.
func TestEnv(t *testing.T) {
	b := &Bed{URL: "https://127.0.0.1:8006", Fake: pvefake.New(pvefake.Options{}),
		Swarm:     &swarmbed.Bed{SSHConfig: "/tmp/x/ssh_config", RegistryAddr: "127.0.0.1:5001"},
		dockerCfg: "/tmp/x/docker", opts: Options{Env: "qa"}.withDefaults()}
	env := b.Env()
	if env.Name != "qa" || env.Backend != "proxmox" || env.Proxmox == nil {
		t.Fatalf("Env: %+v", env)
	}
	p := env.Proxmox
	if p.URL != b.URL || p.TokenEnv != "PVE_TOKEN" || p.Fingerprint != b.Fake.Fingerprint() ||
		p.ClusterTag != "gazr-qa" || p.Template.Manager != 9000 || p.Template.Worker != 9001 ||
		p.SSHUser != "root" || p.SSHKey != "/tmp/x/id_ed25519.pub" || p.Registry != "127.0.0.1:5001" {
		t.Errorf("proxmox table: %+v\n%s", p, b.EnvTOML())
	}
	want := []string{"PVE_TOKEN=" + pvefake.DefaultToken, "GAZR_SSH_CONFIG=/tmp/x/ssh_config", "DOCKER_CONFIG=/tmp/x/docker"}
	if got := b.Environ(); !slices.Equal(got, want) {
		t.Errorf("Environ: %q, want %q", got, want)
	}
}
