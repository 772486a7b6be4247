package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/registryauth"
)

// BuildRequest describes an image to build.
type BuildRequest struct {
	// Dir is the build context directory.
	Dir string
	// Dockerfile is the Dockerfile's path relative to Dir; "" means
	// "Dockerfile". It must be inside Dir.
	Dockerfile string
	// Target is the stage of a multi-stage Dockerfile to build; "" builds
	// the last one.
	Target string
	// Tags name the image ("registry/project/service:version", see Ref).
	Tags []string
	// Labels are set on the image, on top of the Dockerfile's LABELs
	// (io.gazr.*, org.opencontainers.image.revision, …).
	Labels map[string]string
	// Args are the build arguments (ARG) of the Dockerfile.
	Args map[string]string
	// Secrets are the build secrets (RUN --mount=type=secret,id=<key>) by
	// id. They need BuildKit.
	Secrets map[string]BuildSecret
}

// BuildError is a build that the engine ran and that failed: a failing
// instruction, a missing base image, a Dockerfile error.
type BuildError struct {
	// Image names the build: its first tag, or its context directory.
	Image string
	// Message is the engine's error message.
	Message string
	// Step is the failed step's instruction as BuildKit names it ("RUN
	// make"); "" with the legacy builder, whose output shows its step.
	Step string
	// Dockerfile and Line locate Step in the Dockerfile (Dockerfile
	// relative to the context); Line is 0 when unknown.
	Dockerfile string
	Line       int
	// Output holds the last lines (up to 10) of the build's output, less
	// the builder's bookkeeping (" ---> <id>", "Removing intermediate
	// container …"): the failing step's own output, and its "Step" line.
	Output []string
}

// Error is "build <image>: [<dockerfile>:<line>: <step>: ]<message>", followed by the last output lines
// indented on their own lines.
func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "build %s: ", e.Image)
	if e.Step != "" {
		if e.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: ", e.Dockerfile, e.Line)
		}
		fmt.Fprintf(&b, "%s: ", e.Step)
	}
	b.WriteString(e.Message)
	if len(e.Output) > 0 {
		b.WriteString("\nlast output lines:")
		for _, l := range e.Output {
			b.WriteString("\n  " + l)
		}
	}
	return b.String()
}

// tailLines is how much build output a BuildError carries.
const tailLines = 10

// Build builds req on the engine, streaming the build's output to progress
// (nil discards it), and returns the image ID ("sha256:…").
//
// It builds with BuildKit when the engine has it (see chooseBuilder;
// DOCKER_BUILDKIT=0 forces the legacy builder), through a session that
// answers the engine's requests for req.Secrets and for registry
// credentials; BuildKit's progress is printed as `docker build
// --progress=plain` prints it. The legacy builder removes intermediate
// containers, whether the build succeeds or not. Nothing is pulled when
// the base images are present.
//
// Cancelling ctx closes the connection, which makes the engine abort the
// build; Build then returns ctx.Err(). A failure reported by the engine is
// a *BuildError.
func Build(ctx context.Context, api BuildAPI, req BuildRequest, progress io.Writer) (string, error) {
	name := req.Dir
	if len(req.Tags) > 0 {
		name = req.Tags[0]
	}
	if progress == nil {
		progress = io.Discard
	}
	dockerfile, err := dockerfilePath(req.Dir, req.Dockerfile)
	if err != nil {
		return "", fmt.Errorf("build %s: %w", name, err)
	}
	choice, err := chooseBuilder(ctx, api)
	if err != nil {
		return "", fmt.Errorf("build %s: %w", name, err)
	}
	if choice.version != build.BuilderBuildKit && len(req.Secrets) > 0 {
		return "", fmt.Errorf("build %s: build secrets need BuildKit: %s", name, choice.why)
	}
	opts := buildOptions(req, dockerfile)
	opts.Version = choice.version
	opts.AuthConfigs = baseImageAuth(progress)
	if choice.version == build.BuilderBuildKit {
		sess, err := startSession(ctx, api, req.Dir, req.Secrets)
		if err != nil {
			return "", fmt.Errorf("build %s: %w", name, err)
		}
		defer sess.close()
		opts.SessionID = sess.id
	}
	id, err := send(ctx, api, req.Dir, dockerfile, opts, progress, name)
	if be := (*BuildError)(nil); errors.As(err, &be) {
		return "", explain(be, req.Dir, dockerfile, choice)
	}
	return id, err
}

// send sends the build context and options and reads the build's stream.
func send(ctx context.Context, api BuildAPI, dir, dockerfile string, opts client.ImageBuildOptions, progress io.Writer, name string) (string, error) {
	tarball, err := Context(dir, dockerfile)
	if err != nil {
		return "", fmt.Errorf("build %s: %w", name, err)
	}
	tarball = &errReader{ReadCloser: tarball}
	defer tarball.Close()
	resp, err := api.ImageBuild(ctx, tarball, opts)
	if err != nil {
		return "", fmt.Errorf("build %s: %w", name, contextError(ctx, tarball, err))
	}
	defer resp.Body.Close()
	var id, built string
	if opts.Version == build.BuilderBuildKit {
		id, err = readBuildKit(ctx, resp.Body, progress, name)
	} else {
		id, built, err = readBuild(ctx, resp.Body, progress, name)
	}
	if err != nil {
		if be := (*BuildError)(nil); errors.As(err, &be) {
			return "", be
		}
		return "", fmt.Errorf("build %s: %w", name, contextError(ctx, tarball, err))
	}
	if id == "" {
		if id, err = inspectID(ctx, api, built); err != nil {
			return "", fmt.Errorf("build %s: %w", name, err)
		}
	}
	return id, nil
}

// explain adds to be the Dockerfile line of its failed step, and why the
// legacy builder built when the Dockerfile needs BuildKit.
func explain(be *BuildError, dir, dockerfile string, choice builderChoice) *BuildError {
	if be.Step != "" {
		if content, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(dockerfile))); err == nil {
			be.Dockerfile, be.Line = dockerfile, instructionLine(content, be.Step)
		}
	}
	if choice.why != "" && strings.Contains(be.Message, "requires BuildKit") {
		be.Message += " (" + choice.why + ")"
	}
	return be
}

// buildOptions translates req for the Engine API.
func buildOptions(req BuildRequest, dockerfile string) client.ImageBuildOptions {
	args := make(map[string]*string, len(req.Args))
	for k, v := range req.Args {
		args[k] = &v
	}
	return client.ImageBuildOptions{
		Tags:        req.Tags,
		Dockerfile:  dockerfile,
		Target:      req.Target,
		Labels:      req.Labels,
		BuildArgs:   args,
		Remove:      true,
		ForceRemove: true,
	}
}

// readBuild copies the build's output to progress and returns the image ID
// the engine announces at the end, or failing that (older engines) the
// short ID of its closing "Successfully built <id>" line.
func readBuild(ctx context.Context, r io.Reader, progress io.Writer, name string) (id, built string, err error) {
	out := tail{max: tailLines}
	err = decodeStream(ctx, r, func(m *message) error {
		if m.Stream != "" {
			out.add(m.Stream)
			io.WriteString(progress, m.Stream)
			if b := successLine.FindStringSubmatch(m.Stream); b != nil {
				built = b[1]
			}
		} else if m.Status != "" && m.ID == "" {
			io.WriteString(progress, m.Status+"\n")
		}
		if msg := m.errorMessage(); msg != "" {
			return &BuildError{Image: name, Message: msg, Output: out.last()}
		}
		var aux struct{ ID string }
		if len(m.Aux) > 0 && json.Unmarshal(m.Aux, &aux) == nil && aux.ID != "" {
			id = aux.ID
		}
		return nil
	})
	return id, built, err
}

// successLine is the legacy builder's last line.
var successLine = regexp.MustCompile(`(?m)^Successfully built ([0-9a-f]{12,64})$`)

// inspectID asks the engine for the full ID of the image it reported as
// built (not for the image a tag names: after a truncated stream, that
// could be an older build).
func inspectID(ctx context.Context, api client.ImageBuildAPIClient, built string) (string, error) {
	inspector, ok := api.(interface {
		ImageInspect(context.Context, string, ...client.ImageInspectOption) (client.ImageInspectResult, error)
	})
	if built == "" || !ok {
		return "", errors.New("the engine did not report the image ID: the build output may have been cut short")
	}
	res, err := inspector.ImageInspect(ctx, built)
	if err != nil {
		return "", fmt.Errorf("inspect built image: %w", err)
	}
	return res.ID, nil
}

// errReader remembers why reading the build context failed, so that Build
// reports "open x: permission denied" rather than the HTTP client's
// wording of a truncated request.
type errReader struct {
	io.ReadCloser
	err error
}

func (r *errReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && r.err == nil {
		r.err = err
	}
	return n, err
}

// contextError prefers cancellation, then a build context failure, to err.
func contextError(ctx context.Context, tarball io.Reader, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if r, ok := tarball.(*errReader); ok && r.err != nil {
		return fmt.Errorf("build context: %w", r.err)
	}
	return err
}

// baseImageAuth is every registry's credentials from the docker config,
// which the engine uses to pull a build's base images, as `docker build`
// sends them. A registry whose credentials cannot be read is only a
// warning: the build may not need it.
func baseImageAuth(progress io.Writer) map[string]registry.AuthConfig {
	cfg, err := registryauth.Load()
	if err != nil {
		fmt.Fprintf(progress, "warning: registry credentials: %v\n", err)
		return nil
	}
	all, err := cfg.All()
	if err != nil {
		fmt.Fprintf(progress, "warning: registry credentials: %v\n", err)
	}
	return all
}
