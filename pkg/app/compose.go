package app

import (
	"os"

	"github.com/gazr-io/gazr/pkg/compose"
)

// composeOptions are the options of a compose load in mode for the project
// at root: the process environment is read here, at the edge, and passed
// to the loader as its variables, with the profiles of COMPOSE_PROFILES in
// Dev mode (the only mode that takes profiles).
func composeOptions(mode compose.Mode, root, name string) compose.LoadOptions {
	vars, profiles := hostEnv()
	if mode != compose.Dev {
		profiles = nil
	}
	return compose.LoadOptions{Mode: mode, Dir: root, Name: name, Environ: vars, Profiles: profiles}
}

// hostEnv reads the process environment for compose loads: its variables,
// and the profiles of COMPOSE_PROFILES.
func hostEnv() (vars map[string]string, profiles []string) {
	return compose.HostEnv(os.Environ())
}

// hostVars are the process environment's variables, for the compose
// interpolation of a deploy (its env's [env.X].vars go over them).
func hostVars() map[string]string {
	vars, _ := hostEnv()
	return vars
}
