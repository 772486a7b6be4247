package deploy

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/image"
)

// BuildAPI is what building and pushing images needs, on the engine that
// builds them (the local one, even when the swarm is remote).
type BuildAPI interface {
	image.BuildAPI
	client.ImageAPIClient
}

// ImageRefs returns the image each service will run: for a service with a
// build section, <registry>/<project>/<service>:<version>; for the others,
// their compose image.
func ImageRefs(p *types.Project, registry, project, version string) (map[string]string, error) {
	refs := map[string]string{}
	for _, name := range serviceNames(p) {
		svc := p.Services[name]
		if svc.Build == nil {
			refs[name] = svc.Image
			continue
		}
		ref, err := image.Ref(registry, project, name, version)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		refs[name] = ref
	}
	return refs, nil
}

// BuildImages builds every service that has a build section, tagged with
// its ref and labelled with the version's provenance.
func BuildImages(ctx context.Context, api BuildAPI, p *types.Project, refs map[string]string, info image.Info, out io.Writer) error {
	for _, name := range serviceNames(p) {
		b := p.Services[name].Build
		if b == nil {
			continue
		}
		// A clean commit's tag names its sources exactly: when the image
		// exists, building again would produce the same thing.
		if !info.Dirty && !info.NoGit {
			if _, err := api.ImageInspect(ctx, refs[name]); err == nil {
				fmt.Fprintf(out, "build %s: %s exists (same commit), skipped\n", name, refs[name])
				continue
			}
		}
		start := time.Now()
		fmt.Fprintf(out, "build %s → %s\n", name, refs[name])
		secrets, err := image.ComposeSecrets(p, b)
		if err != nil {
			return fmt.Errorf("service %s: %w", name, err)
		}
		req := image.BuildRequest{
			Secrets:    secrets,
			Dir:        buildDir(p, b.Context),
			Dockerfile: b.Dockerfile,
			Target:     b.Target,
			Tags:       []string{refs[name]},
			Labels:     provenance(info, b.Labels),
			Args:       buildArgs(b.Args),
		}
		if _, err := image.Build(ctx, api, req, out); err != nil {
			return fmt.Errorf("service %s: %w", name, err)
		}
		fmt.Fprintf(out, "  built in %s\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// PushImages pushes the built images to the session's registry, each
// after making sure of its repository, with a credential good at the
// start of its push.
func PushImages(ctx context.Context, api BuildAPI, p *types.Project, refs map[string]string, reg *RegistrySession, out io.Writer) error {
	for _, name := range serviceNames(p) {
		if p.Services[name].Build == nil {
			continue
		}
		if err := reg.EnsureRepository(ctx, refs[name]); err != nil {
			return fmt.Errorf("service %s: %w", name, err)
		}
		cred, err := reg.Credential(ctx)
		if err != nil {
			return fmt.Errorf("service %s: %w", name, err)
		}
		start := time.Now()
		digest, err := image.Push(ctx, api, refs[name], cred.Auth, io.Discard)
		if err != nil {
			return fmt.Errorf("service %s: %w", name, err)
		}
		fmt.Fprintf(out, "push %s (%s) in %s\n", refs[name], digest, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func buildDir(p *types.Project, ctxDir string) string {
	if ctxDir == "" {
		ctxDir = "."
	}
	if filepath.IsAbs(ctxDir) {
		return ctxDir
	}
	return filepath.Join(p.WorkingDir, ctxDir)
}

func provenance(info image.Info, extra types.Labels) map[string]string {
	labels := map[string]string{
		"io.gazr.version":                   info.Version,
		"io.gazr.git.commit":                info.Commit,
		"io.gazr.git.branch":                info.Branch,
		"io.gazr.builder":                   whoami(),
		"org.opencontainers.image.revision": info.Commit,
		"org.opencontainers.image.created":  time.Now().UTC().Format(time.RFC3339),
		"org.opencontainers.image.version":  info.Version,
	}
	for k, v := range extra {
		labels[k] = v
	}
	return labels
}

func buildArgs(args types.MappingWithEquals) map[string]string {
	out := map[string]string{}
	for k, v := range args {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

func serviceNames(p *types.Project) []string {
	names := make([]string, 0, len(p.Services))
	for n := range p.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
