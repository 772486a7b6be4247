package sidecar

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/distribution/reference"

	"github.com/gazr-io/gazr/pkg/compose"
)

// Check returns a *compose.Error for the first of services (names and
// their dependencies, as Services returns them) whose image reference the
// engine would refuse or whose local build context or Dockerfile does not
// exist, nil when none. It creates nothing: checked before any step runs,
// these are configuration errors at the compose line, not an engine's
// refusal halfway through starting the services.
func Check(p *types.Project, services []string) error {
	for _, name := range services {
		svc, ok := p.Services[name]
		if !ok {
			continue
		}
		if svc.Image != "" {
			if _, err := reference.ParseNormalizedNamed(svc.Image); err != nil {
				return compose.KeyError(p, "services."+name+".image", fmt.Sprintf(
					"service %s: invalid image reference %q (%v): want name[:tag][@digest], e.g. \"postgres:17\"", name, svc.Image, err))
			}
		}
		if svc.Build != nil {
			if msg := checkBuild(p, svc.Build); msg != "" {
				return compose.KeyError(p, "services."+name+".build", fmt.Sprintf("service %s: build: %s", name, msg))
			}
		}
	}
	return nil
}

// checkBuild says what is missing of a local build context and its
// Dockerfile, "" when both exist. Remote contexts (git, URLs) are the
// builder's to fetch, and an inline Dockerfile needs no file.
func checkBuild(p *types.Project, b *types.BuildConfig) string {
	dir := b.Context
	if dir == "" {
		dir = "."
	}
	if strings.Contains(dir, "://") || strings.HasPrefix(dir, "git@") {
		return ""
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(p.WorkingDir, dir)
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("build context %s does not exist", dir)
	case err != nil:
		return fmt.Sprintf("build context: %v", err)
	case !fi.IsDir():
		return fmt.Sprintf("build context %s is not a directory", dir)
	}
	if b.DockerfileInline != "" {
		return ""
	}
	df := b.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if !filepath.IsAbs(df) {
		df = filepath.Join(dir, df)
	}
	if _, err := os.Stat(df); errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("Dockerfile %s does not exist", df)
	}
	return ""
}
