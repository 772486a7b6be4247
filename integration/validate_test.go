package integration

import (
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestValidate runs the scripts of testdata/validate: configurations that
// a real run, a dry run and explain all reject before anything runs. They
// need no engine, so they run under -short too: each script's DOCKER_HOST
// is a socket nothing listens on, and a gazr that reached for the engine
// would exit 125 there, not the 2 of a configuration error.
func TestValidate(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "validate"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setup(env); err != nil {
				return err
			}
			env.Setenv("DOCKER_HOST", "unix://"+filepath.Join(env.WorkDir, "no-engine.sock"))
			return nil
		},
	})
}
