package runner

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"

	gcontainer "github.com/gazr-io/gazr/pkg/container"
)

// fakeEngine is an in-memory engine: containers that are created, started,
// run what their verb's behaviour says, exit, and are auto-removed or
// removed; images and volumes that exist and can be inspected. It records
// what happened in order, and how many steps ran at once.
type fakeEngine struct {
	mu         sync.Mutex
	images     map[string]string // ref → ID
	volumes    map[string]volume.Volume
	behaviours map[string]behaviour // by verb
	containers map[string]*fakeContainer
	events     []string
	running    int
	maxRunning int
	next       int
	execs      map[string]*fakeExec
}

// behaviour is what a verb's container does once started: write out (each
// line on stdout), wait for hold to close if it is not nil (or to be
// killed), then exit with code.
type behaviour struct {
	out  []string
	code int
	hold chan struct{}
}

type fakeContainer struct {
	id, verb string
	cfg      *container.Config
	hc       *container.HostConfig
	server   net.Conn // the engine's end of the attach stream
	killed   chan struct{}
	exited   chan struct{} // closed once the process exited
	removed  chan struct{} // closed once the container is gone
	code     int
	started  bool
}

var _ gcontainer.StepAPI = (*fakeEngine)(nil)

func newFakeEngine() *fakeEngine {
	return &fakeEngine{
		images:     map[string]string{"img:1": "sha256:img1"},
		volumes:    map[string]volume.Volume{},
		behaviours: map[string]behaviour{},
		containers: map[string]*fakeContainer{},
	}
}

func (e *fakeEngine) record(format string, a ...any) {
	e.events = append(e.events, fmt.Sprintf(format, a...))
}

// Events are what happened, in order ("create test-unit", "exit test-unit 0"…).
func (e *fakeEngine) Events() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.events)
}

// Running is how many containers run now.
func (e *fakeEngine) Running() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.running
}

// MaxRunning is the most containers that ran at once.
func (e *fakeEngine) MaxRunning() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxRunning
}

// Left are the containers not removed.
func (e *fakeEngine) Left() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var left []string
	for _, c := range e.containers {
		select {
		case <-c.removed:
		default:
			left = append(left, c.verb)
		}
	}
	return left
}

func (e *fakeEngine) get(id string) (*fakeContainer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.containers[id]
	if !ok {
		return nil, cerrdefs.ErrNotFound.WithMessage("no such container " + id)
	}
	return c, nil
}

func (e *fakeEngine) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.next++
	verb := o.Config.Labels[gcontainer.LabelVerb]
	id := fmt.Sprintf("%064d", e.next)
	e.containers[id] = &fakeContainer{id: id, verb: verb, cfg: o.Config, hc: o.HostConfig,
		killed: make(chan struct{}), exited: make(chan struct{}), removed: make(chan struct{})}
	e.record("create %s", verb)
	return client.ContainerCreateResult{ID: id}, nil
}

// ContainerList lists the containers not removed yet whose labels match
// the "label" filters (key or key=value); it knows no other filter.
func (e *fakeEngine) ContainerList(_ context.Context, o client.ContainerListOptions) (client.ContainerListResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var res client.ContainerListResult
	for _, c := range e.containers {
		select {
		case <-c.removed:
			continue
		default:
		}
		if matchLabels(c.cfg.Labels, o.Filters["label"]) {
			res.Items = append(res.Items, container.Summary{ID: c.id, Labels: c.cfg.Labels})
		}
	}
	return res, nil
}

func matchLabels(labels map[string]string, want map[string]bool) bool {
	for f := range want {
		k, v, hasValue := strings.Cut(f, "=")
		got, ok := labels[k]
		if !ok || hasValue && got != v {
			return false
		}
	}
	return true
}

func (e *fakeEngine) ContainerAttach(_ context.Context, id string, _ client.ContainerAttachOptions) (client.ContainerAttachResult, error) {
	c, err := e.get(id)
	if err != nil {
		return client.ContainerAttachResult{}, err
	}
	server, conn := net.Pipe()
	e.mu.Lock()
	c.server = server
	e.mu.Unlock()
	return client.ContainerAttachResult{HijackedResponse: client.HijackedResponse{Conn: conn, Reader: bufio.NewReader(conn)}}, nil
}

func (e *fakeEngine) ContainerStart(_ context.Context, id string, _ client.ContainerStartOptions) (client.ContainerStartResult, error) {
	c, err := e.get(id)
	if err != nil {
		return client.ContainerStartResult{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.started {
		return client.ContainerStartResult{}, fmt.Errorf("container %s already started", id)
	}
	c.started = true
	e.running++
	e.maxRunning = max(e.maxRunning, e.running)
	e.record("start %s", c.verb)
	b := e.behaviours[c.verb]
	if c.cfg != nil && c.cfg.Labels[gcontainer.LabelWarm] != "" {
		b = behaviour{hold: make(chan struct{})} // a warm container's keeper: runs until killed
	}
	go e.run(c, b)
	return client.ContainerStartResult{}, nil
}

// run is the container's process: its output as the engine multiplexes
// it, then its exit, then (AutoRemove) its removal.
func (e *fakeEngine) run(c *fakeContainer, b behaviour) {
	e.mu.Lock()
	server := c.server
	e.mu.Unlock()
	code := b.code
	if server != nil {
		for _, line := range b.out {
			frame := make([]byte, 8, 8+len(line)+1)
			frame[0] = 1 // stdout
			binary.BigEndian.PutUint32(frame[4:], uint32(len(line)+1))
			_, _ = server.Write(append(frame, line+"\n"...))
		}
	}
	if b.hold != nil {
		select {
		case <-b.hold:
		case <-c.killed:
			code = 143
		}
	}
	if server != nil {
		server.Close()
	}
	e.mu.Lock()
	c.code = code
	e.running--
	e.record("exit %s %d", c.verb, code)
	close(c.exited)
	e.mu.Unlock()
	if c.hc != nil && c.hc.AutoRemove {
		e.removeContainer(c)
	}
}

func (e *fakeEngine) removeContainer(c *fakeContainer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-c.removed:
	default:
		e.record("remove %s", c.verb)
		close(c.removed)
	}
}

func (e *fakeEngine) ContainerWait(ctx context.Context, id string, o client.ContainerWaitOptions) client.ContainerWaitResult {
	res, errs := make(chan container.WaitResponse, 1), make(chan error, 1)
	c, err := e.get(id)
	if err != nil {
		errs <- err
		return client.ContainerWaitResult{Result: res, Error: errs}
	}
	until := c.exited
	if o.Condition == container.WaitConditionRemoved {
		until = c.removed
	}
	go func() {
		select {
		case <-until:
			e.mu.Lock()
			code := c.code
			e.mu.Unlock()
			res <- container.WaitResponse{StatusCode: int64(code)}
		case <-ctx.Done():
			errs <- ctx.Err()
		}
	}()
	return client.ContainerWaitResult{Result: res, Error: errs}
}

func (e *fakeEngine) ContainerKill(_ context.Context, id string, _ client.ContainerKillOptions) (client.ContainerKillResult, error) {
	c, err := e.get(id)
	if err != nil {
		return client.ContainerKillResult{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-c.killed:
	default:
		e.record("kill %s", c.verb)
		close(c.killed)
	}
	return client.ContainerKillResult{}, nil
}

func (e *fakeEngine) ContainerRemove(ctx context.Context, id string, o client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	c, err := e.get(id)
	if err != nil {
		return client.ContainerRemoveResult{}, err
	}
	select {
	case <-c.removed:
		return client.ContainerRemoveResult{}, cerrdefs.ErrNotFound.WithMessage("no such container " + id)
	default:
	}
	e.mu.Lock()
	started := c.started
	e.mu.Unlock()
	if started && o.Force {
		if _, err := e.ContainerKill(ctx, id, client.ContainerKillOptions{}); err != nil {
			return client.ContainerRemoveResult{}, err
		}
		<-c.exited
	}
	e.removeContainer(c)
	return client.ContainerRemoveResult{}, nil
}

func (e *fakeEngine) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.images[ref]
	if !ok {
		return client.ImageInspectResult{}, cerrdefs.ErrNotFound.WithMessage("no such image " + ref)
	}
	return client.ImageInspectResult{InspectResponse: image.InspectResponse{ID: id}}, nil
}

func (e *fakeEngine) ImagePull(_ context.Context, ref string, _ client.ImagePullOptions) (client.ImagePullResponse, error) {
	return nil, fmt.Errorf("pull %s: no registry in unit tests", ref)
}

func (e *fakeEngine) VolumeList(context.Context, client.VolumeListOptions) (client.VolumeListResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var items []volume.Volume
	for _, v := range e.volumes {
		items = append(items, v)
	}
	return client.VolumeListResult{Items: items}, nil
}

func (e *fakeEngine) VolumeCreate(_ context.Context, o client.VolumeCreateOptions) (client.VolumeCreateResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v := volume.Volume{Name: o.Name, Labels: o.Labels, CreatedAt: fmt.Sprintf("t%d", len(e.volumes))}
	e.volumes[o.Name] = v
	e.record("volume create %s", o.Name)
	return client.VolumeCreateResult{Volume: v}, nil
}

func (e *fakeEngine) VolumeInspect(_ context.Context, name string, _ client.VolumeInspectOptions) (client.VolumeInspectResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[name]
	if !ok {
		return client.VolumeInspectResult{}, cerrdefs.ErrNotFound.WithMessage("no such volume " + name)
	}
	return client.VolumeInspectResult{Volume: v}, nil
}
