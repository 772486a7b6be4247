package sidecar

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/image"
)

// BuildTag is the image a service with a build section and no image gets:
// <project>/<service>:dev (gazr build tags <project>/<service>:<version>).
func BuildTag(project, service string) string {
	return strings.ToLower(project) + "/" + strings.ToLower(service) + ":dev"
}

// build builds a service's image through the engine API, every time: the
// engine's build cache makes an unchanged build quick, and a changed one
// must not run stale code.
func (m *Manager) build(ctx context.Context, p *types.Project, svc types.ServiceConfig) error {
	if m.Builder == nil {
		return fmt.Errorf("service %s has a build section but no builder was given", svc.Name)
	}
	b := svc.Build
	dir := b.Context
	if dir == "" {
		dir = "."
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(p.WorkingDir, dir)
	}
	tag := serviceImage(m.Project, svc)
	args := map[string]string{}
	for k, v := range b.Args {
		if v != nil {
			args[k] = *v
		}
	}
	secrets, err := image.ComposeSecrets(p, b)
	if err != nil {
		return fmt.Errorf("service %s: %w", svc.Name, err)
	}
	start := time.Now()
	fmt.Fprintf(m.out(), "%s build %s → %s\n", m.Color.Cyan("▶"), svc.Name, tag)
	req := image.BuildRequest{Dir: dir, Dockerfile: b.Dockerfile, Target: b.Target, Tags: []string{tag},
		Labels: map[string]string(b.Labels), Args: args, Secrets: secrets}
	if _, err := image.Build(ctx, m.Builder, req, io.Discard); err != nil {
		return fmt.Errorf("service %s: %w", svc.Name, err)
	}
	fmt.Fprintf(m.out(), "%s %s built in %s\n", m.Color.Green("✔"), svc.Name, time.Since(start).Round(time.Millisecond))
	return nil
}
