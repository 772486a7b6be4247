package compose

import (
	"fmt"
	"strings"
)

// Mode names what a project is loaded for; it decides which files are read
// and which options apply. Every mode reads the main file (FileNames) and
// .env, and interpolates from LoadOptions.Environ, never from the process
// environment: the caller reads that and passes it in.
type Mode int

const (
	// Build loads what `gazr build` builds: the main file and .env, with
	// no development override and no profiles. Its images are the ones a
	// deploy ships: they share the tag <project>/<service>:<version>, and a
	// deploy of a clean commit reuses an image that exists, so a build
	// must not see what only development sees (compose.override.yaml often
	// sets a dev target or source mounts; a profiled service is never
	// deployed). .env is read, as by a deploy, so that an image mirror set
	// there (GO_IMAGE…) reaches both alike. Build is the zero Mode: a load
	// that names no mode reads no development file.
	Build Mode = iota
	// Dev loads the project as `docker compose up` does, for `gazr run`,
	// the sidecar services of verbs, `gazr init` and `gazr doctor`: the
	// main file, its override (the first of OverrideNames), .env and the
	// profiles of LoadOptions.Profiles.
	Dev
	// Deploy loads what `gazr deploy --env <Env>` ships: the main file,
	// then compose.<Env>.yaml (or .yml) when it exists, and .env; never the
	// development override, and no profiles, as `docker stack deploy`.
	// Environ holds the caller's variables with the env's [env.X].vars
	// over them.
	Deploy
)

// String names the mode as its doc and errors do.
func (m Mode) String() string {
	switch m {
	case Build:
		return "build"
	case Dev:
		return "dev"
	case Deploy:
		return "deploy"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// check refuses options the mode does not take, so that a caller cannot
// believe it loaded what it did not.
func (o LoadOptions) check() error {
	switch o.Mode {
	case Build, Dev:
		if o.Env != "" {
			return fmt.Errorf("compose: environment %q given to a %s load; only a deploy load reads compose.<env>.yaml", o.Env, o.Mode)
		}
	case Deploy:
		if o.Env == "" {
			return fmt.Errorf("compose: a deploy load needs an environment name")
		}
		if o.Env == "." || o.Env == ".." || strings.ContainsAny(o.Env, `/\`) {
			return fmt.Errorf("invalid environment name %q: it names a file compose.<env>.yaml", o.Env)
		}
	default:
		return fmt.Errorf("compose: unknown load mode %s", o.Mode)
	}
	if len(o.Profiles) > 0 && o.Mode != Dev {
		return fmt.Errorf("compose: profiles %s given to a %s load; only a dev load enables profiles", strings.Join(o.Profiles, ", "), o.Mode)
	}
	return nil
}

// HostEnv splits a process environment, in os.Environ's KEY=VALUE form,
// into what a load takes from it: every entry as an interpolation variable,
// and the profiles of COMPOSE_PROFILES (comma-separated, blanks dropped), as
// docker compose reads them. The app calls it with its own environment; no
// library reads the process environment for a load.
func HostEnv(environ []string) (vars map[string]string, profiles []string) {
	vars = make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			vars[k] = v
		}
	}
	for _, p := range strings.Split(vars["COMPOSE_PROFILES"], ",") {
		if p = strings.TrimSpace(p); p != "" {
			profiles = append(profiles, p)
		}
	}
	return vars, profiles
}
