package container

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

// StepAPI is the part of the engine API that running a step needs: its
// container's life (create, attach, start, wait, kill, remove), its image
// (inspected for fingerprints, pulled when missing) and its cache volumes.
// It is narrow so that a test can fake it in memory.
type StepAPI interface {
	ContainerCreate(ctx context.Context, options client.ContainerCreateOptions) (client.ContainerCreateResult, error)
	ContainerAttach(ctx context.Context, container string, options client.ContainerAttachOptions) (client.ContainerAttachResult, error)
	ContainerStart(ctx context.Context, container string, options client.ContainerStartOptions) (client.ContainerStartResult, error)
	ContainerWait(ctx context.Context, container string, options client.ContainerWaitOptions) client.ContainerWaitResult
	ContainerKill(ctx context.Context, container string, options client.ContainerKillOptions) (client.ContainerKillResult, error)
	ContainerRemove(ctx context.Context, container string, options client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
	// ContainerList finds the step containers of a killed gazr (Reap).
	ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error)
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	ImagePuller
	VolumeLister
	VolumeCreate(ctx context.Context, options client.VolumeCreateOptions) (client.VolumeCreateResult, error)
	VolumeInspect(ctx context.Context, volumeID string, options client.VolumeInspectOptions) (client.VolumeInspectResult, error)
}

// ImagePuller pulls images (Pull).
type ImagePuller interface {
	ImagePull(ctx context.Context, ref string, options client.ImagePullOptions) (client.ImagePullResponse, error)
}

// VolumeLister lists volumes (MissingCaches).
type VolumeLister interface {
	VolumeList(ctx context.Context, options client.VolumeListOptions) (client.VolumeListResult, error)
}

// ExitError is a step that ran and exited non-zero; Code is its exit code,
// which gazr passes through unchanged.
type ExitError struct {
	Verb string
	Code int
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("step %s failed with exit code %d", e.Verb, e.Code)
}

// ImageError says a step's image (or a compose service's) is missing and
// could not be pulled.
type ImageError struct {
	Image, Verb string
	// Service is the compose service whose image it is, instead of Verb.
	Service string
	// Origin is where the image name came from (plan.Value.Origin; for a
	// service, its compose file).
	Origin string
	Err    error
}

func (e *ImageError) Error() string {
	who := "step " + e.Verb
	if e.Service != "" {
		who = "service " + e.Service
	}
	return fmt.Sprintf("image %q for %s is not available and cannot be pulled (%v); %s",
		e.Image, who, e.Err, e.Fix())
}

// Fix is what the user can do about it, from where the image name came.
func (e *ImageError) Fix() string {
	if e.Service != "" {
		return fmt.Sprintf("build or load it, or change the image of service %s in %s", e.Service, e.Origin)
	}
	fix := fmt.Sprintf("set another image in [verbs.%s]", e.Verb)
	if conv, ok := strings.CutPrefix(e.Origin, "convention "); ok {
		fix = fmt.Sprintf("set image in .gazr.toml or %s to use another one", convention.ImageEnv(conv))
	} else if env, ok := strings.CutPrefix(e.Origin, "$"); ok {
		fix = fmt.Sprintf("change %s", env)
	}
	return "build or load it, or " + fix
}

func (e *ImageError) Unwrap() error { return e.Err }

// Runner runs steps on an engine.
type Runner struct {
	API     StepAPI
	Project string
	Stdout  io.Writer
	Stderr  io.Writer
	// TTY allocates a terminal for the step (stdout and stderr merged),
	// so tools colour their output as they would in a shell.
	TTY bool
	// Stdin, when not nil, is attached to the step's stdin as `docker run
	// -i` does: its end closes the step's stdin; what the step leaves
	// unread stays for the next step. Nil: the step's stdin is empty.
	Stdin *iostreams.Input
	// Terminal, for a TTY step with Stdin, is gazr's terminal: in raw mode
	// while the step runs (keys, Ctrl-C included, go to the step's
	// process), its size forwarded. Nil leaves the terminal alone.
	Terminal Terminal
	// StopTimeout is how long a cancelled step gets between the signal
	// and its forced removal. Default 1s.
	StopTimeout time.Duration
}

// Run runs one step to completion and returns nil on exit code 0, an
// *ExitError for any other exit code. When ctx is cancelled the step's
// container is signalled, then removed; Run returns ctx's error, or,
// when the container could not be removed (a warning on Stderr says so),
// an error that is not ctx's. No other container outlives Run.
func (r *Runner) Run(ctx context.Context, s *plan.Step) (err error) {
	if _, err := r.EnsureCaches(ctx, s); err != nil {
		return err
	}
	id, err := r.create(ctx, s)
	if err != nil {
		return err
	}
	// Remove on every path; AutoRemove covers a normal exit, this covers
	// failed starts and cancellation. A fresh context: ctx may be done.
	defer func() {
		if !r.remove(id) && ctx.Err() != nil {
			err = fmt.Errorf("step %s: interrupted, and its container %s could not be removed", s.Verb, shortID(id))
		}
	}()
	if ctx.Err() != nil {
		return ctx.Err() // interrupted while the container was created
	}

	attach, err := r.API.ContainerAttach(ctx, id, client.ContainerAttachOptions{Stream: true, Stdin: r.Stdin != nil, Stdout: true, Stderr: true})
	if err != nil {
		return fmt.Errorf("step %s: attach: %w", s.Verb, err)
	}
	defer attach.Close()
	// Ended before the container is removed: the terminal is restored
	// first, and gazr's last lines print on a sane terminal.
	session := r.interact(id, attach.HijackedResponse)
	defer session.end()
	var copied sync.WaitGroup
	copied.Add(1)
	go func() {
		defer copied.Done()
		if r.TTY {
			_, _ = io.Copy(r.Stdout, attach.Reader)
		} else {
			_, _ = stdcopy.StdCopy(r.Stdout, r.Stderr, attach.Reader)
		}
	}()

	// Waiting for removal, as `docker run --rm` does, means no container
	// is left when Run returns; the engine still reports the exit code.
	wait := r.API.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionRemoved})
	if _, err := r.API.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("step %s: start: %w", s.Verb, err)
	}
	session.started(ctx)
	select {
	case res := <-wait.Result:
		copied.Wait()
		if res.Error != nil && res.Error.Message != "" {
			return fmt.Errorf("step %s: %s", s.Verb, res.Error.Message)
		}
		if res.StatusCode != 0 {
			return &ExitError{Verb: s.Verb, Code: int(res.StatusCode)}
		}
		return nil
	case err := <-wait.Error:
		if ctx.Err() != nil {
			r.stop(id)
			return ctx.Err()
		}
		return fmt.Errorf("step %s: wait: %w", s.Verb, err)
	case <-ctx.Done():
		r.stop(id)
		return ctx.Err()
	}
}

func (r *Runner) create(ctx context.Context, s *plan.Step) (string, error) {
	return r.createRaw(ctx, s, r.config(s), hostConfig(s))
}

// createRaw creates a container for step s, pulling its image if missing.
// When ctx is cancelled meanwhile, it still returns the container it
// created, with ctx's error only if it created none: the caller removes it.
func (r *Runner) createRaw(ctx context.Context, s *plan.Step, cfg *container.Config, hc *container.HostConfig) (string, error) {
	return r.createAs(ctx, s, r.name(s.Verb), cfg, hc)
}

// createAs is createRaw with the container's name.
func (r *Runner) createAs(ctx context.Context, s *plan.Step, name string, cfg *container.Config, hc *container.HostConfig) (string, error) {
	opts := client.ContainerCreateOptions{Name: name, Config: cfg, HostConfig: hc}
	id, err := r.createNamed(ctx, opts)
	if err != nil && isNotFound(err) && ctx.Err() == nil {
		if perr := r.pull(ctx, s); perr != nil {
			return "", perr
		}
		id, err = r.createNamed(ctx, opts)
	}
	switch {
	case err == nil:
		return id, nil
	case ctx.Err() != nil:
		return "", ctx.Err()
	default:
		return "", fmt.Errorf("step %s: create container: %w", s.Verb, err)
	}
}

// createTimeout bounds the creation of a container, which a signal does
// not interrupt.
const createTimeout = 30 * time.Second

// createNamed creates a container with a context that a signal does not
// cancel: a create abandoned by the client may still complete on the
// engine, leaving a container whose ID gazr never learnt. When the create
// fails all the same (the engine too slow), a container of that name may
// exist: it is removed.
func (r *Runner) createNamed(ctx context.Context, opts client.ContainerCreateOptions) (string, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), createTimeout)
	defer cancel()
	res, err := r.API.ContainerCreate(cctx, opts)
	if err != nil && !isNotFound(err) {
		r.remove(opts.Name)
	}
	return res.ID, err
}

func (r *Runner) config(s *plan.Step) *container.Config {
	return &container.Config{
		Image: s.Image.Value,
		// The image's own ENTRYPOINT would receive our shell as arguments.
		Entrypoint:  s.Cmd()[:2],
		Cmd:         s.Cmd()[2:],
		Env:         s.EnvList(),
		User:        s.User.Value,
		WorkingDir:  s.Workdir.Value,
		Tty:         r.TTY,
		OpenStdin:   r.Stdin != nil,
		StdinOnce:   r.Stdin != nil,
		AttachStdin: r.Stdin != nil,
		Labels:      r.labels(s.Verb),
	}
}

// labels are a step container's: gazr's, the project's, the verb's, and
// this process's (see Reap).
func (r *Runner) labels(verb string) map[string]string {
	return addOwnerLabels(map[string]string{LabelManaged: "true", LabelProject: r.Project, LabelVerb: verb})
}

func hostConfig(s *plan.Step) *container.HostConfig {
	hc := &container.HostConfig{
		AutoRemove: true,
		Init:       ptr(true),
		// HOME must be writable by whatever UID the step runs as.
		Tmpfs: map[string]string{plan.HomeDir: "rw,exec,mode=1777"},
	}
	if s.Network != "" {
		hc.NetworkMode = container.NetworkMode(s.Network)
	}
	for _, m := range s.Mounts {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
	}
	for _, c := range s.Caches {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: c.Volume, Target: c.Target})
	}
	return hc
}

func (r *Runner) name(verb string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("gazr-%s-%s-%s", r.Project, nameSafe(verb), hex.EncodeToString(b))
}

// nameSafe maps a verb to the characters container names allow: project
// verbs (Taskfile tasks such as "docs:build") may hold others.
func nameSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

func ptr[T any](v T) *T { return &v }
