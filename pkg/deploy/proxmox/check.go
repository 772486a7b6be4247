package proxmox

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// Check implements deploy.Backend: the token, TLS and the API's version,
// the templates, the env's VMs, a manager answering, the registry. It
// changes nothing.
func (b *Backend) Check(ctx context.Context) ([]deploy.Finding, error) {
	c, err := b.client()
	if err != nil {
		return []deploy.Finding{b.failure("token", err)}, nil
	}
	fs := []deploy.Finding{{Name: "token", Level: deploy.OK, Detail: b.cfg.TokenEnv + " holds an API token"}}
	v, err := c.Version(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("env %s: check: %w", b.env.Name, ctx.Err())
		}
		return append(fs, b.failure("api", b.explain("read the API's version", err))), nil
	}
	fs = append(fs, b.apiFinding(v.Version, v.Release))
	in, err := b.inventory(ctx, c)
	if err != nil {
		return append(fs, b.failure("vms", err)), nil
	}
	fs = append(fs, b.templateFinding(in), b.vmsFinding(in))
	fs = append(fs, b.managerFinding(ctx, in), b.registryFinding())
	if ctx.Err() != nil {
		return nil, fmt.Errorf("env %s: check: %w", b.env.Name, ctx.Err())
	}
	return fs, nil
}

// failure is a failed finding from an explained error: what failed,
// then "; " and the fix.
func (b *Backend) failure(name string, err error) deploy.Finding {
	f := deploy.Finding{Name: name, Level: deploy.Failure, Detail: err.Error(), Fix: "see docs/deploy-proxmox.md for the set-up gazr expects"}
	if i := strings.LastIndex(f.Detail, "; "); i > 0 {
		f.Detail, f.Fix = f.Detail[:i], f.Detail[i+2:]
	}
	return f
}

func (b *Backend) apiFinding(version, release string) deploy.Finding {
	trust := "TLS trusted by the system's CAs"
	switch {
	case b.cfg.Insecure:
		return deploy.Finding{Name: "api", Level: deploy.Warning, Detail: fmt.Sprintf("PVE %s (release %s) at %s, its certificate NOT verified (insecure = true)", version, release, b.cfg.URL),
			Fix: fmt.Sprintf("set fingerprint = \"AA:BB:…\" (as the PVE web UI shows it) or ca in [env.%s.proxmox] instead of insecure", b.env.Name)}
	case b.cfg.Fingerprint != "":
		trust = "its certificate pinned by fingerprint"
	case b.cfg.CA != "":
		trust = "its certificate signed by " + b.cfg.CA
	}
	return deploy.Finding{Name: "api", Level: deploy.OK, Detail: fmt.Sprintf("PVE %s (release %s) at %s, %s", version, release, b.cfg.URL, trust)}
}

func (b *Backend) templateFinding(in *inventory) deploy.Finding {
	f := deploy.Finding{Name: "templates", Level: deploy.OK}
	var got []string
	for _, role := range []string{roleManager, roleWorker} {
		t, err := b.template(in, role)
		if err != nil {
			f = b.failure("templates", err)
			f.Level = deploy.Warning // only Up and scaling out clone: a deploy needs none
			return f
		}
		got = append(got, fmt.Sprintf("%s %s on %s", role, t, t.Node))
	}
	f.Detail = strings.Join(got, ", ")
	return f
}

func (b *Backend) vmsFinding(in *inventory) deploy.Finding {
	m, w := in.role(roleManager), in.role(roleWorker)
	f := deploy.Finding{Name: "vms", Level: deploy.OK, Detail: fmt.Sprintf("managers: %s; workers: %s", census(m), census(w))}
	if len(m) == 0 {
		f.Level = deploy.Failure
		f.Fix = fmt.Sprintf("gazr cluster up --env %s, or tag the env's VMs (%s)", b.env.Name, b.searched())
	}
	return f
}

func (b *Backend) managerFinding(ctx context.Context, in *inventory) deploy.Finding {
	f := deploy.Finding{Name: "manager"}
	var api deploy.SwarmAPI
	var err error
	if b.env.Manager != "" {
		api, err = b.pinned(ctx)
	} else if c, cerr := b.client(); cerr == nil {
		api, err = b.managerOf(ctx, c, in)
	} else {
		err = cerr
	}
	if err != nil {
		f.Level, f.Detail = deploy.Failure, strings.TrimPrefix(err.Error(), "env "+b.env.Name+": ")
		f.Fix = fmt.Sprintf("check that gazr reaches the managers over SSH (ssh_user in [env.%s.proxmox], %s or ~/.ssh/config) and that docker runs there", b.env.Name, "GAZR_SSH_CONFIG")
		return f
	}
	defer api.Close()
	f.Level, f.Detail = deploy.OK, "a manager answers"
	if info, err := api.Info(ctx, client.InfoOptions{}); err == nil {
		sw := info.Info.Swarm
		f.Detail = fmt.Sprintf("manager %s (%s) answers: active swarm, %d nodes, %d managers", info.Info.Name, sw.NodeAddr, sw.Nodes, sw.Managers)
	}
	return f
}

func (b *Backend) registryFinding() deploy.Finding {
	name := registryName(b.env, b.cfg)
	if name == "" {
		return deploy.Finding{Name: "registry", Level: deploy.Failure, Detail: "no registry: the swarm's nodes pull images from one",
			Fix: fmt.Sprintf("set registry = \"host[:port]\" in [env.%s.proxmox] (or [env.%s]), with docker login to it", b.env.Name, b.env.Name)}
	}
	return deploy.Finding{Name: "registry", Level: deploy.OK, Detail: name + " with the docker CLI's credentials"}
}
