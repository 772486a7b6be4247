// Package container runs gazr's steps on a container engine through the
// Engine API (moby's client), never through the docker CLI.
package container

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Labels put on everything gazr creates, so that it can find and clean up
// its own containers, networks and volumes.
const (
	LabelManaged = "io.gazr.managed"
	LabelProject = "io.gazr.project"
	LabelVerb    = "io.gazr.verb"
	LabelCache   = "io.gazr.cache"
)

// EngineError says the container engine cannot be reached. It names the
// endpoint and how to fix it.
type EngineError struct {
	Host string
	Err  error
}

func (e *EngineError) Error() string {
	return fmt.Sprintf("cannot reach the container engine at %s: %s", e.Host, e.Fix())
}

// Fix is what the user can do about it: start the engine, check
// DOCKER_HOST, or join the engine's group.
func (e *EngineError) Fix() string {
	if errors.Is(e.Err, os.ErrPermission) || strings.Contains(e.Err.Error(), "permission denied") {
		return "your user may not access it: add it to the engine's group (e.g. `sudo usermod -aG docker $USER`, then log in again)"
	}
	if os.Getenv("DOCKER_HOST") != "" {
		return "check that DOCKER_HOST points at a running engine"
	}
	return "start the engine (e.g. `sudo systemctl start docker`) or set DOCKER_HOST to a running one"
}

func (e *EngineError) Unwrap() error { return e.Err }

// Connect returns a client for the engine named by the environment
// (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION),
// having checked that it answers and agreed on an API version.
func Connect(ctx context.Context) (*client.Client, error) {
	cli, err := NewClient()
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	if _, err := cli.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		cli.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if pctx.Err() != nil {
			err = fmt.Errorf("no answer within %s: %w", PingTimeout, err)
		}
		return nil, &EngineError{Host: cli.DaemonHost(), Err: err}
	}
	return cli, nil
}

// PingTimeout bounds Connect's wait for the engine's first answer, so that
// an endpoint that accepts connections and never answers is reported
// rather than waited on forever.
var PingTimeout = 15 * time.Second

// NewClient returns a client for the engine named by the environment, as
// Connect does, without contacting it: for callers that report an
// unreachable engine themselves (gazr doctor).
func NewClient() (*client.Client, error) {
	cli, err := client.New(client.FromEnv, client.WithUserAgent("gazr"))
	if err != nil {
		return nil, fmt.Errorf("container engine: %w", err)
	}
	return cli, nil
}

// isNotFound reports whether err is the engine's "no such object".
func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }
