// Package enginetest is the one way a test gets the container engine, with
// one policy for when it cannot:
//
//   - under -short the test is skipped before the engine is contacted, so
//     `go test -short ./...` starts no container;
//   - when the CI environment variable is set (to anything but ""), a
//     missing engine or test image fails the test, saying what to do: a
//     dead engine on CI must not read green;
//   - otherwise the test is skipped, saying why.
//
// The test images (gazr-test/...) are built offline by
// integration/images/build.sh.
package enginetest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// PingTimeout bounds the wait for the engine's first answer.
const PingTimeout = 10 * time.Second

// Connect returns a client of the engine the environment names
// (DOCKER_HOST and friends, as the docker CLI reads them), closed when the
// test ends, once every one of images is on it. When the engine does not
// answer or an image is missing, the test ends as the package's policy
// says.
func Connect(t testing.TB, images ...string) *client.Client {
	t.Helper()
	return open(t, policyFromEnv(), dial, images)
}

// Missing ends the test for a missing prerequisite other than the engine
// (git, say) by the same policy: skip under -short or outside CI, fail
// under CI. format says what is missing and how to get it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	policyFromEnv().end(t, format, args...)
}

// tb is what the policy needs of a test: testing.TB, narrowed so that the
// policy's own tests can watch it with a fake.
type tb interface {
	Helper()
	Skip(args ...any)
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// engine is what Connect needs of a client once connected.
type engine interface {
	DaemonHost() string
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	Close() error
}

// policy is what decides how a test without an engine ends.
type policy struct {
	short bool // go test -short
	ci    bool // the CI environment variable is set
}

func policyFromEnv() policy {
	return policy{short: testing.Short(), ci: os.Getenv("CI") != ""}
}

// end skips or fails the test, by the policy, with the reason given.
func (p policy) end(t tb, format string, args ...any) {
	t.Helper()
	if p.ci {
		t.Fatalf(format+" (CI is set: tests that need the engine fail rather than skip)", args...)
		return
	}
	t.Skipf(format, args...)
}

// open applies the policy around dial and the image checks.
func open[E engine](t tb, p policy, dial func(context.Context) (E, error), images []string) E {
	t.Helper()
	var zero E
	if p.short {
		t.Skip("needs the container engine: skipped under -short")
		return zero
	}
	ctx, cancel := context.WithTimeout(context.Background(), PingTimeout)
	defer cancel()
	e, err := dial(ctx)
	if err != nil {
		p.end(t, "no container engine answers (%v): start one (.ci/run does) or point DOCKER_HOST at one", err)
		return zero
	}
	t.Cleanup(func() { e.Close() })
	var missing []string
	for _, img := range images {
		if _, err := e.ImageInspect(ctx, img); err != nil {
			missing = append(missing, img)
		}
	}
	if len(missing) > 0 {
		p.end(t, "test image %s missing on the engine at %s: build it with integration/images/build.sh %s",
			strings.Join(missing, ", "), e.DaemonHost(), strings.Join(missing, " "))
		return zero
	}
	return e
}

// dial connects to the engine the environment names and checks that it
// answers.
func dial(ctx context.Context) (*client.Client, error) {
	cli, err := client.New(client.FromEnv, client.WithUserAgent("gazr-test"))
	if err != nil {
		return nil, err
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		cli.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: no answer within %s: %w", cli.DaemonHost(), PingTimeout, err)
		}
		return nil, err // names the host already
	}
	return cli, nil
}
