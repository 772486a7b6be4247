// Package compose loads a project's compose files into a compose-go
// project, in one of three modes (Dev, Build, Deploy) that decide which
// files are read; the variables and profiles are passed in by the caller.
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
// a Dev load tries them.
var OverrideNames = []string{"compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"}

// ErrNotFound is wrapped by the error Load returns when the project
// directory has none of FileNames.
var ErrNotFound = errors.New("no compose file")

// LoadOptions drive Load.
type LoadOptions struct {
	// Mode decides which files are read (see Build, Dev, Deploy); the zero
	// Mode is Build.
	Mode Mode
	// Dir is the project root, where the compose files and .env are.
	Dir string
	// Env is the deploy environment of a Deploy load: compose.<Env>.yaml
	// (or .yml) in Dir, if present, is applied over the main file. Other
	// modes refuse it.
	Env string
	// Name is the compose project name; "" lets compose-go pick one (the
	// top-level `name`, else the directory name).
	Name string
	// Profiles are the profiles a Dev load enables; services with other
	// profiles are left out, and with none only services without profiles
	// are loaded. Other modes refuse them.
	Profiles []string
	// Environ holds the variables for interpolation, and nothing else is
	// looked up: nil means none. Dir/.env adds the variables it defines
	// that Environ lacks (Environ wins, as with docker compose).
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

// Load reads the compose project in opts.Dir as opts.Mode says: the main
// file, the development override (Dev) or the environment's file (Deploy),
// .env, interpolation from opts.Environ, profiles (Dev), and compose-go's
// schema and consistency checks. A problem in a file (compose or .env)
// comes out as a *Error (path:line:col: message, on one line); a missing main
// file as an error wrapping ErrNotFound that lists the names looked for.
func Load(ctx context.Context, opts LoadOptions) (*types.Project, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	if opts.Name != loader.NormalizeProjectName(opts.Name) {
		return nil, loader.InvalidProjectNameErr(opts.Name)
	}
	files, err := composeFiles(dir, opts)
	if err != nil {
		return nil, err
	}
	dotenv, err := findFirst(dir, []string{".env"})
	if err != nil {
		return nil, err
	}
	// .env is named when it exists, rather than left to compose-go's
	// default, which would consult the process environment
	// (COMPOSE_DISABLE_ENV_FILE).
	var envFiles []string
	if dotenv != "" {
		envFiles = []string{dotenv}
	}
	if err := checkFiles(files, filepath.Join(dir, ".env")); err != nil {
		return nil, err
	}
	vars := environ(opts.Environ)
	key, contents := validatedKey(opts, files, dotenv, vars)
	skip := key != "" && wasValidated(key)
	load := func(skipValidation bool) (*types.Project, error) {
		po, err := cli.NewProjectOptions(files,
			cli.WithWorkingDirectory(dir),
			cli.WithName(opts.Name),
			cli.WithEnv(vars),
			cli.WithEnvFiles(envFiles...),
			cli.WithDotEnv,
			cli.WithProfiles(opts.Profiles),
			cli.WithLoadOptions(func(o *loader.Options) { o.SkipValidation = skipValidation }),
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
	p, err := load(skip)
	switch {
	case skip && (err != nil || !unchanged(files, dotenv, contents)):
		// Edited meanwhile, or failing past validation: as if not cached.
		return load(false)
	case err == nil && key != "" && !skip && unchanged(files, dotenv, contents):
		markValidated(key)
	}
	return p, err
}

// composeFiles lists the files opts.Mode reads in dir, in the order they
// apply: the main file, then the development override (Dev) or the
// environment's file (Deploy) when it exists.
func composeFiles(dir string, opts LoadOptions) ([]string, error) {
	main, err := findFirst(dir, FileNames)
	if err != nil {
		return nil, err
	}
	if main == "" {
		return nil, fmt.Errorf("%w in %s (looked for %s)", ErrNotFound, dir, strings.Join(FileNames, ", "))
	}
	var names []string
	switch opts.Mode {
	case Dev:
		names = OverrideNames
	case Deploy:
		names = []string{"compose." + opts.Env + ".yaml", "compose." + opts.Env + ".yml"}
	default:
		return []string{main}, nil
	}
	override, err := findFirst(dir, names)
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
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}
