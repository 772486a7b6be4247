package swarmbed

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// registryHtpasswd is the registry's htpasswd file with
// [Options.RegistryAuth]. Distribution 2.8 reads it again whenever its
// modification time changes (checked at each request), so a new
// password works at once, without a restart; it needs no TLS either.
const registryHtpasswd = "/etc/docker/registry/htpasswd"

// startRegistry starts the registry at its fixed address; its storage is
// a tmpfs, gone with the container. With RegistryAuth it asks for basic
// auth (a first random password; SetRegistryPassword sets another) and
// is published on the host's 127.0.0.1 at a port the engine picks.
func (b *Bed) startRegistry(ctx context.Context) error {
	addr := b.hostAddr(registryHost).String()
	name := b.registryName()
	cfg := &container.Config{Image: RegistryImage, Labels: b.labels("registry")}
	hc := &container.HostConfig{Tmpfs: map[string]string{"/var/lib/docker-registry": ""}}
	if b.opts.RegistryAuth {
		port := network.MustParsePort("5000/tcp")
		cfg.ExposedPorts = network.PortSet{port: {}}
		cfg.Env = []string{
			"REGISTRY_AUTH=htpasswd",
			"REGISTRY_AUTH_HTPASSWD_REALM=" + b.Name,
			"REGISTRY_AUTH_HTPASSWD_PATH=" + registryHtpasswd,
		}
		// The file must exist when the registry starts; empty, it lets
		// nobody in.
		cfg.Cmd = []string{"sh", "-c", ": >>" + registryHtpasswd + " && exec docker-registry serve /etc/docker/registry/config.yml"}
		hc.PortBindings = network.PortMap{port: {{HostIP: mustAddr("127.0.0.1")}}}
	}
	if err := b.runContainer(ctx, name, addr, cfg, hc); err != nil {
		return err
	}
	b.RegistryAddr = addr + ":5000"
	if !b.opts.RegistryAuth {
		return nil
	}
	ins, err := b.host.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("inspect %s: %w", name, err)
	}
	var bound []network.PortBinding
	if ns := ins.Container.NetworkSettings; ns != nil {
		bound = ns.Ports[network.MustParsePort("5000/tcp")]
	}
	if len(bound) == 0 {
		return fmt.Errorf("%s: port 5000 not published on the host", name)
	}
	p, err := strconv.Atoi(bound[0].HostPort)
	if err != nil {
		return fmt.Errorf("%s: published port %q: %w", name, bound[0].HostPort, err)
	}
	b.registryPort = p
	b.RegistryAddr = fmt.Sprintf("127.0.0.1:%d", p)
	var pw [16]byte
	_, _ = rand.Read(pw[:])
	return b.SetRegistryPassword(ctx, "gazr", hex.EncodeToString(pw[:]))
}

func (b *Bed) registryName() string { return b.Name + "-registry" }

// SetRegistryPassword makes user and password the registry's only login
// ([Options.RegistryAuth]): the previous one is refused from the next
// request on. The htpasswd entry is a bcrypt hash made in the registry's
// container (perl's crypt: libxcrypt does bcrypt), written in place
// atomically.
func (b *Bed) SetRegistryPassword(ctx context.Context, user, password string) error {
	if !b.opts.RegistryAuth {
		return fmt.Errorf("swarmbed %s: the registry has no auth (Options.RegistryAuth)", b.Name)
	}
	if user == "" || strings.ContainsAny(user, ":\n") || strings.Contains(password, "\n") {
		return fmt.Errorf("swarmbed %s: registry user %q: want a non-empty name without ':' or a newline, a password without a newline", b.Name, user)
	}
	// bcrypt's salt: 22 characters of its alphabet, the last one of the
	// four that leave its unused low bits zero.
	const script = `my @a = ("." , "/", "A".."Z", "a".."z", "0".."9");
open(my $r, "<", "/dev/urandom") or die "urandom: $!";
read($r, my $b, 22) == 22 or die "urandom: short read";
my @c = map { $a[ord($_) % 64] } split(//, $b);
$c[21] = (".", "O", "e", "u")[ord(substr($b, 21)) % 4];
my $h = crypt($ENV{PW}, '$2b$10$' . join("", @c));
$h =~ /^\$2b\$/ or die "crypt made no bcrypt hash";
my $f = $ENV{FILE};
open(my $w, ">", "$f.new") or die "$f.new: $!";
print $w "$ENV{USER_NAME}:$h\n";
close($w) or die "$f.new: $!";
rename("$f.new", $f) or die "$f: $!";
`
	env := []string{"PW=" + password, "USER_NAME=" + user, "FILE=" + registryHtpasswd}
	if out, err := b.execIn(ctx, b.registryName(), env, "perl", "-e", script); err != nil {
		return fmt.Errorf("swarmbed %s: set the registry's password: %w: %s", b.Name, err, out)
	}
	b.mu.Lock()
	b.registryUser, b.registryPassword = user, password
	b.mu.Unlock()
	return nil
}

// RegistryLogin returns the registry's current login (see
// [Bed.SetRegistryPassword]); empty without [Options.RegistryAuth].
func (b *Bed) RegistryLogin() (user, password string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.registryUser, b.registryPassword
}

// execIn runs a command in a container of the host engine and returns its
// output; a non-zero exit is an error.
func (b *Bed) execIn(ctx context.Context, ctr string, env []string, cmd ...string) (string, error) {
	ex, err := b.host.ExecCreate(ctx, ctr, client.ExecCreateOptions{
		Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return "", fmt.Errorf("exec in %s: %w", ctr, err)
	}
	att, err := b.host.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{})
	if err != nil {
		return "", fmt.Errorf("exec in %s: %w", ctr, err)
	}
	defer att.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, att.Reader); err != nil {
		return out.String(), fmt.Errorf("exec in %s: %w", ctr, err)
	}
	ins, err := b.host.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
	if err != nil {
		return out.String(), fmt.Errorf("exec in %s: %w", ctr, err)
	}
	if ins.ExitCode != 0 {
		return strings.TrimSpace(out.String()), fmt.Errorf("%s in %s: exit code %d", cmd[0], ctr, ins.ExitCode)
	}
	return out.String(), nil
}
