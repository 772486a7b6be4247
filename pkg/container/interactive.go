package container

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"
)

// Terminal is gazr's own terminal, which a step with a TTY and stdin takes
// over while it runs (an *iostreams.IOStreams).
type Terminal interface {
	// MakeRaw sets raw mode; restore puts the terminal back.
	MakeRaw() (restore func(), err error)
	// Size is the window's width and height; ok is false when unknown.
	Size() (width, height int, ok bool)
	// OnResize calls f on each change of the window's size until stop.
	OnResize(stop <-chan struct{}, f func())
}

// resizeAPI resizes a container's TTY: the engine's client has it, the
// fakes of tests need not.
type resizeAPI interface {
	ContainerResize(ctx context.Context, container string, options client.ContainerResizeOptions) (client.ContainerResizeResult, error)
}

// session is a step's connection to gazr's stdin and terminal: stdin
// copied to the container until it ends (which closes the step's stdin)
// or the step ends; with a TTY, the terminal in raw mode and its size
// forwarded.
type session struct {
	r       *Runner
	id      string
	stop    chan struct{}
	restore func()
}

// interact starts copying r.Stdin to the attached container and, for a
// TTY step, puts the terminal in raw mode, before the container starts so
// that no key is lost or echoed twice. The caller calls started after the
// start and end on every path: end restores the terminal.
func (r *Runner) interact(id string, attach client.HijackedResponse) *session {
	s := &session{r: r, id: id, stop: make(chan struct{})}
	if r.Stdin == nil {
		return s
	}
	if r.TTY && r.Terminal != nil {
		if restore, err := r.Terminal.MakeRaw(); err == nil {
			s.restore = restore
		} else {
			fmt.Fprintf(r.Stderr, "gazr: warning: keys go to the step line by line: %v\n", err)
		}
	}
	go func() {
		if r.Stdin.Copy(attach.Conn, s.stop) {
			_ = attach.CloseWrite()
		}
	}()
	return s
}

// started forwards the terminal's size to the running container, now and
// on each resize.
func (s *session) started(ctx context.Context) {
	rz, ok := s.r.API.(resizeAPI)
	if !ok || !s.r.TTY || s.r.Terminal == nil {
		return
	}
	resize := func() {
		w, h, ok := s.r.Terminal.Size()
		if !ok {
			return
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, _ = rz.ContainerResize(rctx, s.id, client.ContainerResizeOptions{Width: uint(w), Height: uint(h)})
	}
	resize()
	s.r.Terminal.OnResize(s.stop, resize)
}

// end stops the copy of stdin (what the step did not read stays for the
// next one) and restores the terminal.
func (s *session) end() {
	close(s.stop)
	if s.restore != nil {
		s.restore()
	}
}
