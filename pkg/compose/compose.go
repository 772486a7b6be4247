// Package compose loads a project's compose file, plus the override of the
// environment being deployed, into a compose-go project: the deploy
// descriptor of `gazr deploy`.
package compose

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// FileNames are the names of a project's main compose file, in the order
// Find tries them.
var FileNames = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}

// OverrideNames are the names of the development override, in the order
// Load tries them when LoadOptions.Override is set.
var OverrideNames = []string{"compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"}

// ErrNotFound is wrapped by the error Load returns when the project
// directory has none of FileNames.
var ErrNotFound = errors.New("no compose file")

// LoadOptions drive Load.
type LoadOptions struct {
	// Dir is the project root, where the compose files and .env are.
	Dir string
	// Env is the deploy environment: when set, compose.<Env>.yaml (or .yml)
	// in Dir, if present, is applied over the main file. "" loads the main
	// file alone. compose.override.yaml is applied only with Override: it
	// usually holds development settings (source bind mounts), which a
	// deploy leaves out, as `docker stack` does.
	Env string
	// Override applies the main file's development override, as docker
	// compose does by default: the first of OverrideNames present in Dir.
	// Sidecar services and `gazr run` set it; deploys do not.
	Override bool
	// Name is the compose project name; "" lets compose-go pick one (the
	// top-level `name`, else the directory name).
	Name string
	// Profiles are the profiles to enable; services with other profiles are
	// left out. With none, only services without profiles are loaded.
	Profiles []string
	// Environ holds the variables for interpolation. Nil means the process
	// environment. Either way, Dir/.env adds the variables it defines that
	// Environ lacks (Environ wins, as with docker compose).
	Environ map[string]string
}

// Find returns the path of the main compose file in dir (the first of
// FileNames that is a regular file), or "" when dir has none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return findFirst(dir, FileNames)
}

// Load reads the compose project in opts.Dir: the main file, the override of
// opts.Env when it exists, .env, interpolation, profiles, and compose-go's
// schema and consistency checks. A problem in a file (compose or .env)
// comes out as a *Error (path:line: message, on one line); a missing main
// file as an error wrapping ErrNotFound that lists the names looked for.
func Load(ctx context.Context, opts LoadOptions) (*types.Project, error) {
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	if opts.Name != loader.NormalizeProjectName(opts.Name) {
		return nil, loader.InvalidProjectNameErr(opts.Name)
	}
	files, err := composeFiles(dir, opts.Env)
	if err != nil {
		return nil, err
	}
	if opts.Override {
		override, err := findFirst(dir, OverrideNames)
		if err != nil {
			return nil, err
		}
		if override != "" {
			files = append(files[:1:1], append([]string{override}, files[1:]...)...)
		}
	}
	if err := checkFiles(files, filepath.Join(dir, ".env")); err != nil {
		return nil, err
	}
	po, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(dir),
		cli.WithName(opts.Name),
		cli.WithEnv(environ(opts.Environ)),
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithProfiles(opts.Profiles),
	)
	if err != nil {
		// Reading .env is the only step here that can fail on a file.
		return nil, translate(err, append(files, filepath.Join(dir, ".env")))
	}
	p, err := loadQuietly(ctx, po)
	if err != nil {
		return nil, translate(err, files)
	}
	return p, nil
}

// composeFiles lists the main compose file of dir and, when env is set and
// has one, its override.
func composeFiles(dir, env string) ([]string, error) {
	main, err := findFirst(dir, FileNames)
	if err != nil {
		return nil, err
	}
	if main == "" {
		return nil, fmt.Errorf("%w in %s (looked for %s)", ErrNotFound, dir, strings.Join(FileNames, ", "))
	}
	if env == "" {
		return []string{main}, nil
	}
	if env == "." || env == ".." || strings.ContainsAny(env, `/\`) {
		return nil, fmt.Errorf("invalid environment name %q: it names a file compose.<env>.yaml", env)
	}
	override, err := findFirst(dir, []string{"compose." + env + ".yaml", "compose." + env + ".yml"})
	if err != nil || override == "" {
		return []string{main}, err
	}
	return []string{main, override}, nil
}

// findFirst returns the first of names that is a regular file in dir, or "".
func findFirst(dir string, names []string) (string, error) {
	for _, name := range names {
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			return p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
	}
	return "", nil
}

// environ renders the interpolation variables as KEY=VALUE, sorted so that
// the load does not depend on map order.
func environ(env map[string]string) []string {
	if env == nil {
		return os.Environ()
	}
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}
