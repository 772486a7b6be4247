package image

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// message is one object of the engine's JSON progress streams (build,
// push). The engine reports failures inside the stream, with HTTP 200.
type message struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	ID          string `json:"id"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
	Aux json.RawMessage `json:"aux"`
}

// errorMessage returns the message's error, "" when it reports none.
func (m *message) errorMessage() string {
	if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
		return m.ErrorDetail.Message
	}
	return m.Error
}

// decodeStream calls fn for each message of r until r ends, fn fails or
// ctx is cancelled (which the engine's HTTP body reports as a read error).
func decodeStream(ctx context.Context, r io.Reader, fn func(*message) error) error {
	dec := json.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if err := fn(&m); err != nil {
			return err
		}
	}
}

// ctxErr prefers the context's error to the transport's wording of it.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// tail keeps the last lines of a build's output, written in pieces,
// leaving out the legacy builder's bookkeeping (" ---> <id>", "Removing
// intermediate container …") so that they are the failing step's own.
type tail struct {
	max     int
	lines   []string
	partial string
}

// add appends text, which may hold several lines or part of one, and
// returns the lines it completed and kept.
func (t *tail) add(text string) []string {
	parts := strings.Split(t.partial+text, "\n")
	t.partial = parts[len(parts)-1]
	var kept []string
	for _, l := range parts[:len(parts)-1] {
		if l, ok := t.push(l); ok {
			kept = append(kept, l)
		}
	}
	return kept
}

// push keeps line unless it is bookkeeping.
func (t *tail) push(line string) (string, bool) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" || strings.HasPrefix(line, " ---> ") ||
		strings.HasPrefix(line, "Removing intermediate container ") {
		return "", false
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
	return line, true
}

// last returns the kept lines, an unterminated last line included.
func (t *tail) last() []string {
	out := &tail{max: t.max, lines: append([]string(nil), t.lines...)}
	if t.partial != "" {
		out.push(t.partial)
	}
	return out.lines
}
