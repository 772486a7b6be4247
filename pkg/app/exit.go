package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/gazr-io/gazr/pkg/chaos"
	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// Exit codes. A failing step's own exit code passes through unchanged.
const (
	ExitOK = 0
	// ExitError: gazr failed for another reason.
	ExitError = 1
	// ExitUsage: bad command line or configuration.
	ExitUsage = 2
	// ExitEngine: the container engine is unreachable or an image is
	// missing; as docker run does, 125 tells gazr's failure from the step's.
	ExitEngine = 125
	// ExitInterrupt and ExitTerminated: gazr was stopped by SIGINT or
	// SIGTERM (128 + signal number).
	ExitInterrupt  = 130
	ExitTerminated = 143
)

// UsageError is a mistake on the command line.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// SilentError carries an exit code for an error already reported.
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ManagerError says the swarm manager of an env cannot be reached: like
// container.EngineError, exit code 125 and one line naming the endpoint
// and what to check, without the engine client's own wording.
type ManagerError struct {
	// Env is the env's name, Host the manager's endpoint.
	Env, Host string
	// Configured tells an endpoint set in .gazr.toml (manager = …) from
	// the engine of DOCKER_HOST or the default socket.
	Configured bool
	Err        error
}

func (e *ManagerError) Error() string {
	fix := (&container.EngineError{Host: e.Host, Err: e.Err}).Fix()
	if e.Configured {
		fix = fmt.Sprintf("check that it runs and answers there, and env.%s.manager in %s", e.Env, config.FileName)
	}
	return fmt.Sprintf("env %s: cannot reach the swarm manager at %s: %s", e.Env, e.Host, fix)
}

func (e *ManagerError) Unwrap() error { return e.Err }

// reportedOnInterrupt is an error that still says something worth
// reading when gazr was interrupted (a deploy saying which services it
// had already updated); other errors of an interruption stay silent.
type reportedOnInterrupt interface{ ReportOnInterrupt() bool }

// exitCode reports err on stderr (one line) and returns the exit code.
func exitCode(io *iostreams.IOStreams, err error, sig os.Signal) int {
	var report reportedOnInterrupt
	if errors.As(err, &report) && report.ReportOnInterrupt() {
		fmt.Fprintf(io.ErrOut, "%s %s\n", io.ColorScheme().Red("gazr:"), err)
	}
	if sig != nil {
		if sig == syscall.SIGTERM {
			return ExitTerminated
		}
		return ExitInterrupt
	}
	if err == nil {
		return ExitOK
	}
	var (
		exit    *container.ExitError
		silent  *SilentError
		usage   *UsageError
		cfgErr  *config.Error
		compErr *compose.Error
		undef   *plan.NotDefinedError
		engine  *container.EngineError
		manager *ManagerError
		imgErr  *container.ImageError
		svcImg  *sidecar.ImageError
		refused *chaos.RefusedError
		code    = ExitError
		message = err.Error()
	)
	switch {
	case errors.As(err, &exit):
		return exit.Code
	case errors.As(err, &silent):
		return silent.Code
	case errors.Is(err, context.Canceled):
		return ExitInterrupt
	case errors.As(err, &usage), errors.As(err, &cfgErr), errors.As(err, &compErr), errors.As(err, &undef),
		errors.Is(err, compose.ErrNotFound), // a verb or deploy that needs a compose file the project lacks
		errors.Is(err, deploy.ErrSetup),     // credentials, region, names of the env's machines
		errors.As(err, &refused):            // a chaos guardrail: nothing was hit
		code = ExitUsage
	case errors.As(err, &engine), errors.As(err, &imgErr), errors.As(err, &svcImg), errors.As(err, &manager),
		errors.Is(err, deploy.ErrUnreachable):
		code = ExitEngine
	}
	cs := io.ColorScheme()
	fmt.Fprintf(io.ErrOut, "%s %s\n", cs.Red("gazr:"), message)
	return code
}
