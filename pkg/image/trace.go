package image

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// traceID is the id of the JSON stream's messages that carry BuildKit's
// progress: a protobuf StatusResponse (moby.buildkit.v1), base64 in aux.
const traceID = "moby.buildkit.trace"

// imageID is the id of the message whose aux gives the built image's ID.
const imageIDMessage = "moby.image.id"

// vertex is one step of a BuildKit build as the progress shows it.
type vertex struct {
	num       int    // its number in the printed progress, "#3"
	name      string // "[2/3] RUN make"
	started   bool
	completed bool
	cached    bool
	errMsg    string
	startedAt time.Time
	out       tail // its last output lines
}

// tracer prints BuildKit's progress the way `docker build --progress=plain`
// does: "#N <step>" when a step starts, its output lines prefixed with
// "#N ", and "#N DONE 1.2s", "#N CACHED" or "#N ERROR: …" when it ends.
type tracer struct {
	w        io.Writer
	vertices map[string]*vertex
	failed   *vertex // the first step that failed
}

func newTracer(w io.Writer) *tracer {
	return &tracer{w: w, vertices: map[string]*vertex{}}
}

// decodeAux reads a trace message's aux (a JSON string of base64).
func (t *tracer) decodeAux(aux json.RawMessage) error {
	var msg []byte
	if err := json.Unmarshal(aux, &msg); err != nil {
		return fmt.Errorf("BuildKit progress: %w", err)
	}
	if err := t.status(msg); err != nil {
		return fmt.Errorf("BuildKit progress: %w", err)
	}
	return nil
}

// status reads a StatusResponse: vertexes (field 1) and logs (field 3);
// the transfer statuses (2) and warnings (4) are left out.
func (t *tracer) status(msg []byte) error {
	return eachField(msg, func(f wireField) error {
		if f.Type != wireBytes {
			return nil
		}
		switch f.Num {
		case 1:
			return t.vertex(f.Bytes)
		case 3:
			return t.log(f.Bytes)
		}
		return nil
	})
}

// get returns the vertex of digest, numbering new ones.
func (t *tracer) get(digest string) *vertex {
	v := t.vertices[digest]
	if v == nil {
		v = &vertex{num: len(t.vertices) + 1, out: tail{max: tailLines}}
		t.vertices[digest] = v
	}
	return v
}

// vertex reads a Vertex: digest 1, name 3, cached 4, started 5,
// completed 6, error 7.
func (t *tracer) vertex(msg []byte) error {
	var digest, name, errMsg string
	var cached, started, completed bool
	var startedAt time.Time
	err := eachField(msg, func(f wireField) error {
		switch f.Num {
		case 1:
			digest = string(f.Bytes)
		case 3:
			name = string(f.Bytes)
		case 4:
			cached = f.Varint != 0
		case 5:
			started, startedAt = true, timestamp(f.Bytes)
		case 6:
			completed = true
		case 7:
			errMsg = string(f.Bytes)
		}
		return nil
	})
	if err != nil {
		return err
	}
	v := t.get(digest)
	if name != "" {
		v.name = name
	}
	if (started || cached) && !v.started {
		v.started, v.startedAt = true, startedAt
		fmt.Fprintf(t.w, "#%d %s\n", v.num, v.name)
	}
	if !completed || v.completed {
		return nil
	}
	v.completed, v.cached, v.errMsg = true, cached, errMsg
	switch {
	case errMsg != "":
		fmt.Fprintf(t.w, "#%d ERROR: %s\n", v.num, errMsg)
		if t.failed == nil {
			t.failed = v
		}
	case cached:
		fmt.Fprintf(t.w, "#%d CACHED\n", v.num)
	default:
		fmt.Fprintf(t.w, "#%d DONE %s\n", v.num, doneIn(v.startedAt))
	}
	return nil
}

// log reads a VertexLog: vertex 1, msg 4.
func (t *tracer) log(msg []byte) error {
	var digest string
	var data []byte
	err := eachField(msg, func(f wireField) error {
		switch f.Num {
		case 1:
			digest = string(f.Bytes)
		case 4:
			data = f.Bytes
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("BuildKit progress: %w", err)
	}
	v := t.get(digest)
	for _, l := range v.out.add(string(data)) {
		fmt.Fprintf(t.w, "#%d %s\n", v.num, l)
	}
	return nil
}

// timestamp reads a google.protobuf.Timestamp: seconds 1, nanos 2.
func timestamp(msg []byte) time.Time {
	var sec, nsec uint64
	eachField(msg, func(f wireField) error {
		switch f.Num {
		case 1:
			sec = f.Varint
		case 2:
			nsec = f.Varint
		}
		return nil
	})
	if sec == 0 && nsec == 0 {
		return time.Time{}
	}
	return time.Unix(int64(sec), int64(nsec))
}

// doneIn is how long a step took, as docker prints it ("0.3s"), or "" when
// its start is unknown.
func doneIn(start time.Time) string {
	if start.IsZero() {
		return ""
	}
	return fmt.Sprintf("%.1fs", time.Since(start).Seconds())
}

// failure describes the failed step for a BuildError: its name and its
// last output lines.
func (t *tracer) failure() (step string, out []string) {
	if t.failed == nil {
		return "", nil
	}
	return t.failed.name, t.failed.out.last()
}

// stepInstruction is a step's instruction without its "[stage 2/3] "
// counter: "RUN make".
func stepInstruction(name string) string {
	if strings.HasPrefix(name, "[") {
		if i := strings.Index(name, "] "); i > 0 {
			return name[i+2:]
		}
	}
	return name
}

// readBuildKit prints a BuildKit build's progress to progress and returns
// the image ID the engine announces at the end. A failure is a BuildError
// with the failed step and its last output lines.
func readBuildKit(ctx context.Context, r io.Reader, progress io.Writer, name string) (string, error) {
	tr := newTracer(progress)
	var id string
	warned := false
	err := decodeStream(ctx, r, func(m *message) error {
		switch {
		case m.ID == traceID && len(m.Aux) > 0:
			// Progress that cannot be read must not fail the build.
			if err := tr.decodeAux(m.Aux); err != nil && !warned {
				warned = true
				fmt.Fprintf(progress, "warning: %v\n", err)
			}
		case m.ID == imageIDMessage && len(m.Aux) > 0:
			var aux struct{ ID string }
			if json.Unmarshal(m.Aux, &aux) == nil {
				id = aux.ID
			}
		case m.Stream != "":
			io.WriteString(progress, m.Stream)
		}
		if msg := m.errorMessage(); msg != "" {
			step, out := tr.failure()
			return &BuildError{Image: name, Message: msg, Step: stepInstruction(step), Output: out}
		}
		return nil
	})
	return id, err
}
