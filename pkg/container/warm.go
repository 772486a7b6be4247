package container

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/plan"
)

// LabelWarm marks a step's warm container with the hash of the plan it
// was created for: a step whose image, env, user, mounts or caches change
// gets a new one.
const LabelWarm = "io.gazr.warm"

// ExecAPI is what warm runs need beyond StepAPI: commands executed in a
// running container.
type ExecAPI interface {
	StepAPI
	ExecCreate(ctx context.Context, container string, options client.ExecCreateOptions) (client.ExecCreateResult, error)
	ExecAttach(ctx context.Context, execID string, options client.ExecAttachOptions) (client.ExecAttachResult, error)
	ExecInspect(ctx context.Context, execID string, options client.ExecInspectOptions) (client.ExecInspectResult, error)
}

// Warm runs steps in containers kept running between runs (gazr watch):
// each run is an exec in the step's container, which costs a fraction of
// a fresh container. The container has the step's image, mounts, caches,
// network, user and env, so a run sees what a fresh one would, except
// what a previous run left in the container's own file system outside
// the mounts (/tmp, HOME): kept, as a shell's would be. Processes a run
// leaves in the background (a server a test started) are killed when its
// command exits, so that the next run finds its ports free. Close removes the
// containers; no container outlives it. The zero Warm is ready to use.
type Warm struct {
	mu     sync.Mutex
	api    ExecAPI
	stderr io.Writer
	warm   map[string]warmContainer // by verb
}

type warmContainer struct{ id, hash string }

// cleanAfter runs the step's command ("$@"), then kills what it left
// running in the container (kill -1 spares the caller and the container's
// PID 1, the keeper), keeping its exit code: a server a test started in
// the background would hold a port, or the output stream, open.
var cleanAfter = []string{"sh", "-c", `"$@"; c=$?; kill -9 -1 2>/dev/null; exit $c`, "gazr-warm"}

// keeper is the warm container's main process: it waits, doing nothing,
// until the container is removed.
var keeper = []string{"sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"}

// Run runs step s as r would, in its warm container, creating it on the
// first run or when the step's plan changed since; like Runner.Run it
// returns an *ExitError for a non-zero exit code and ctx's error when
// cancelled. api is r's engine.
func (w *Warm) Run(ctx context.Context, r *Runner, api ExecAPI, s *plan.Step) error {
	id, err := w.container(ctx, r, api, s)
	if err != nil {
		return err
	}
	code, err := execIn(ctx, api, r, id, s, append(slices.Clone(cleanAfter), s.Cmd()...))
	if err != nil {
		if ctx.Err() != nil {
			// An exec cannot be signalled: its container goes, with it.
			w.forget(s.Verb)
			return ctx.Err()
		}
		return fmt.Errorf("step %s: exec in its warm container: %w", s.Verb, err)
	}
	if code != 0 {
		return &ExitError{Verb: s.Verb, Code: code}
	}
	return nil
}

// execIn runs cmd in container id as step s, its output to r's streams,
// and returns its exit code.
func execIn(ctx context.Context, api ExecAPI, r *Runner, id string, s *plan.Step, cmd []string) (int, error) {
	ex, err := api.ExecCreate(ctx, id, client.ExecCreateOptions{
		User: s.User.Value, Env: s.EnvList(), WorkingDir: s.Workdir.Value, Cmd: cmd,
		TTY: r.TTY, AttachStdin: r.Stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return 0, err
	}
	hijack, err := api.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{TTY: r.TTY})
	if err != nil {
		return 0, err
	}
	defer hijack.Close()
	if r.Stdin != nil {
		// As for a fresh step: its end closes the command's stdin; what
		// the command leaves unread stays for the next step.
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			if r.Stdin.Copy(hijack.Conn, stop) {
				_ = hijack.CloseWrite()
			}
		}()
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		if r.TTY {
			_, _ = io.Copy(r.Stdout, hijack.Reader)
		} else {
			_, _ = stdcopy.StdCopy(r.Stdout, r.Stderr, hijack.Reader)
		}
	}()
	select {
	case <-copied:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	res, err := api.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
	if err != nil {
		return 0, err
	}
	return res.ExitCode, nil
}

// container returns the running warm container of s, replacing one made
// for another plan.
func (w *Warm) container(ctx context.Context, r *Runner, api ExecAPI, s *plan.Step) (string, error) {
	cfg, hc := r.config(s), hostConfig(s)
	// The keeper is PID 1, so that clean's kill -1 spares it.
	hc.AutoRemove, hc.Init = false, nil
	cfg.Entrypoint, cfg.Cmd = keeper[:2], keeper[2:]
	// The hash covers what the container is made of; the command and args
	// are the exec's, and may change freely.
	hash := planHash(cfg, hc)
	cfg.Labels[LabelWarm] = hash
	w.mu.Lock()
	defer w.mu.Unlock()
	w.api, w.stderr = api, r.Stderr
	if c, ok := w.warm[s.Verb]; ok {
		if c.hash == hash {
			return c.id, nil
		}
		w.remove(c.id)
		delete(w.warm, s.Verb)
	}
	if _, err := r.EnsureCaches(ctx, s); err != nil {
		return "", err
	}
	id, err := r.createRaw(ctx, s, cfg, hc)
	if err != nil {
		return "", err
	}
	if _, err := api.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		w.remove(id)
		return "", fmt.Errorf("step %s: start its warm container: %w", s.Verb, err)
	}
	if w.warm == nil {
		w.warm = map[string]warmContainer{}
	}
	w.warm[s.Verb] = warmContainer{id: id, hash: hash}
	return id, nil
}

func planHash(cfg, hc any) string {
	b, _ := json.Marshal([]any{cfg, hc})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func (w *Warm) forget(verb string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.warm[verb]; ok {
		w.remove(c.id)
		delete(w.warm, verb)
	}
}

// remove removes a warm container, warnings to stderr.
func (w *Warm) remove(id string) {
	(&Runner{API: w.api, Stderr: w.stderr}).remove(id)
}

// Close removes every warm container, waiting until they are gone.
func (w *Warm) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for verb, c := range w.warm {
		w.remove(c.id)
		delete(w.warm, verb)
	}
}
