package sidecar

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	mcontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Exit is a service whose container stopped while Follow streamed it.
type Exit struct {
	Service string
	Code    int
}

// Logs is the prefixed log output of services that Follow started.
type Logs struct {
	cancel context.CancelFunc
	ended  map[string]chan struct{} // closed when the service's stream ends
	exits  chan Exit
}

// Follow streams the logs the named services write from since on, to w,
// each line prefixed with its service ("web | "). The streams do not end
// with ctx: a Ctrl-C must not cut off the lines a service wrote just
// before it, nor the ones it writes while it stops. Wait says when to
// stop, Close ends the streams. Services that are not running when
// Follow starts (one-shots that completed) are not waited for.
func (m *Manager) Follow(ctx context.Context, names []string, since time.Time, w io.Writer) (*Logs, error) {
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l := &Logs{cancel: cancel, ended: map[string]chan struct{}{}, exits: make(chan Exit, len(names))}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	out := &lockedWriter{w: w}
	for i, name := range names {
		// Not ctx: a Ctrl-C right after "Ctrl-C stops" still shows the
		// lines written so far.
		ictx, icancel := context.WithTimeout(sctx, 30*time.Second)
		insp, err := m.API.ContainerInspect(ictx, ContainerName(m.Project, name), client.ContainerInspectOptions{})
		icancel()
		if err != nil {
			l.Close(nil, 0)
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		c := insp.Container
		prefix := m.paint(i, fmt.Sprintf("%-*s | ", width, name))
		ended := make(chan struct{})
		l.ended[name] = ended
		go func() {
			defer close(ended)
			m.stream(sctx, c.ID, c.Config != nil && c.Config.Tty, since, out, prefix)
		}()
		if c.State != nil && c.State.Running {
			go m.watchExit(sctx, c.ID, name, l.exits)
		}
	}
	return l, nil
}

// Wait blocks until ctx is done (it returns nil) or the container of one
// of the services stops (it returns which).
func (l *Logs) Wait(ctx context.Context) *Exit {
	select {
	case <-ctx.Done():
		return nil
	case e := <-l.exits:
		return &e
	}
}

// Close lets the streams of the stopped services deliver what their
// services wrote, for at most grace (the stream of a stopped container
// ends by itself once it is all out), then ends every stream: the
// streams of services still running never end by themselves.
func (l *Logs) Close(stopped []string, grace time.Duration) {
	deadline := time.After(grace)
wait:
	for _, name := range stopped {
		if ended, ok := l.ended[name]; ok {
			select {
			case <-ended:
			case <-deadline:
				break wait
			}
		}
	}
	l.cancel()
	for _, ended := range l.ended {
		<-ended
	}
}

func (m *Manager) watchExit(ctx context.Context, id, name string, exits chan<- Exit) {
	wait := m.API.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: mcontainer.WaitConditionNotRunning})
	select {
	case res := <-wait.Result:
		exits <- Exit{Service: name, Code: int(res.StatusCode)}
	case <-wait.Error:
	case <-ctx.Done():
	}
}

// stream copies one container's logs to out, line by line with prefix.
func (m *Manager) stream(ctx context.Context, id string, tty bool, since time.Time, out *lockedWriter, prefix string) {
	rc, err := m.API.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true,
		Since: strconv.FormatInt(since.Unix(), 10)})
	if err != nil {
		if ctx.Err() == nil {
			out.line(prefix, fmt.Sprintf("(logs unavailable: %v)", err))
		}
		return
	}
	defer rc.Close()
	lw := &lineWriter{out: out, prefix: prefix}
	if tty {
		_, _ = io.Copy(lw, rc)
	} else {
		_, _ = stdcopy.StdCopy(lw, lw, rc)
	}
	lw.flush()
}

// paint gives each service a colour of its own.
func (m *Manager) paint(i int, s string) string {
	colours := []func(string) string{m.Color.Cyan, m.Color.Yellow, m.Color.Green, m.Color.Gray}
	return colours[i%len(colours)](s)
}

// Published returns, for each named service that publishes ports, its
// bindings as "host:port → container-port/proto", from the engine (so
// that random host ports are known).
func (m *Manager) Published(ctx context.Context, names []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, name := range names {
		insp, err := m.API.ContainerInspect(ctx, ContainerName(m.Project, name), client.ContainerInspectOptions{})
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		ns := insp.Container.NetworkSettings
		if ns == nil {
			continue
		}
		for _, port := range slices.SortedFunc(maps.Keys(ns.Ports), func(a, b network.Port) int { return int(a.Num()) - int(b.Num()) }) {
			for _, b := range ns.Ports[port] {
				host := "localhost"
				if b.HostIP.IsValid() && !b.HostIP.IsUnspecified() {
					host = b.HostIP.String()
				}
				out[name] = append(out[name], fmt.Sprintf("%s:%s → %s", host, b.HostPort, port))
			}
		}
	}
	return out, nil
}

// lockedWriter serialises whole lines from several streams.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) line(prefix, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s%s\n", prefix, text)
}

// lineWriter cuts a stream into lines for a lockedWriter.
type lineWriter struct {
	out    *lockedWriter
	prefix string
	buf    []byte
}

func (lw *lineWriter) Write(p []byte) (int, error) {
	lw.buf = append(lw.buf, p...)
	for {
		i := bytes.IndexByte(lw.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		lw.out.line(lw.prefix, string(bytes.TrimSuffix(lw.buf[:i], []byte("\r"))))
		lw.buf = lw.buf[i+1:]
	}
}

func (lw *lineWriter) flush() {
	if len(lw.buf) > 0 {
		lw.out.line(lw.prefix, string(lw.buf))
		lw.buf = nil
	}
}
