package runner

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"

	"github.com/moby/moby/client"

	gcontainer "github.com/gazr-io/gazr/pkg/container"
)

var _ gcontainer.ExecAPI = (*fakeEngine)(nil)

// fakeExec is a command executed in a running container: the verb's
// behaviour, without hold.
type fakeExec struct {
	c    *fakeContainer
	code int
}

func (e *fakeEngine) ExecCreate(_ context.Context, id string, o client.ExecCreateOptions) (client.ExecCreateResult, error) {
	c, err := e.get(id)
	if err != nil {
		return client.ExecCreateResult{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-c.exited:
		return client.ExecCreateResult{}, fmt.Errorf("container %s is not running", id)
	default:
	}
	if e.execs == nil {
		e.execs = map[string]*fakeExec{}
	}
	e.next++
	execID := fmt.Sprintf("exec%d", e.next)
	x := &fakeExec{c: c}
	e.execs[execID] = x
	if len(o.Cmd) > 2 && strings.Contains(o.Cmd[2], "kill -9 -1") {
		e.record("exec %s, cleaning after", c.verb)
	} else {
		e.record("exec %s", c.verb)
	}
	return client.ExecCreateResult{ID: execID}, nil
}

func (e *fakeEngine) ExecAttach(_ context.Context, id string, _ client.ExecAttachOptions) (client.ExecAttachResult, error) {
	e.mu.Lock()
	x, ok := e.execs[id]
	if !ok {
		e.mu.Unlock()
		return client.ExecAttachResult{}, fmt.Errorf("no such exec %s", id)
	}
	b := e.behaviours[x.c.verb]
	e.mu.Unlock()
	server, conn := net.Pipe()
	go func() {
		for _, line := range b.out {
			frame := make([]byte, 8, 8+len(line)+1)
			frame[0] = 1 // stdout
			binary.BigEndian.PutUint32(frame[4:], uint32(len(line)+1))
			_, _ = server.Write(append(frame, line+"\n"...))
		}
		e.mu.Lock()
		x.code = b.code
		e.mu.Unlock()
		server.Close()
	}()
	return client.ExecAttachResult{HijackedResponse: client.HijackedResponse{Conn: conn, Reader: bufio.NewReader(conn)}}, nil
}

func (e *fakeEngine) ExecInspect(_ context.Context, id string, _ client.ExecInspectOptions) (client.ExecInspectResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.execs[id]
	if !ok {
		return client.ExecInspectResult{}, fmt.Errorf("no such exec %s", id)
	}
	return client.ExecInspectResult{ID: id, ContainerID: x.c.id, ExitCode: x.code}, nil
}
