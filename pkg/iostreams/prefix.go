package iostreams

import (
	"bytes"
	"io"
	"sync"
)

// Lines serialises whole lines from several writers onto one, so that
// the output of steps running in parallel never mixes within a line.
type Lines struct {
	mu sync.Mutex
}

// Prefixed returns a writer that writes each complete line to w with
// prefix before it. Close writes a last unterminated line.
func (l *Lines) Prefixed(w io.Writer, prefix string) *PrefixWriter {
	return &PrefixWriter{lines: l, w: w, prefix: []byte(prefix)}
}

// Locked returns a writer whose every Write reaches w whole, between the
// lines of the prefixed writers.
func (l *Lines) Locked(w io.Writer) io.Writer { return lockedWriter{l, w} }

type lockedWriter struct {
	l *Lines
	w io.Writer
}

func (lw lockedWriter) Write(p []byte) (int, error) {
	lw.l.mu.Lock()
	defer lw.l.mu.Unlock()
	return lw.w.Write(p)
}

// PrefixWriter is a line-prefixing writer made by Lines.Prefixed.
type PrefixWriter struct {
	lines  *Lines
	w      io.Writer
	prefix []byte
	buf    []byte
}

// Write buffers p and writes the complete lines it ends.
func (p *PrefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	i := bytes.LastIndexByte(p.buf, '\n')
	if i < 0 {
		return len(b), nil
	}
	var out []byte
	for _, line := range bytes.SplitAfter(p.buf[:i+1], []byte("\n")) {
		if len(line) > 0 {
			out = append(append(out, p.prefix...), line...)
		}
	}
	p.buf = append(p.buf[:0], p.buf[i+1:]...)
	p.lines.mu.Lock()
	defer p.lines.mu.Unlock()
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Close writes the last line if it had no newline.
func (p *PrefixWriter) Close() error {
	if len(p.buf) == 0 {
		return nil
	}
	_, err := p.Write([]byte("\n"))
	return err
}
