package iostreams

import (
	"bytes"
	"io"
	"sync"
	"unicode/utf8"
)

// ChunkSize is the longest piece of a line that a PrefixWriter holds. A
// longer line (a step printing megabytes without a newline) is written in
// pieces of at most this many bytes, each on a line of its own with the
// prefix: memory stays bounded, no byte is lost, and the other steps'
// lines are not held back until it ends.
const ChunkSize = 64 << 10

// Lines serialises whole lines from several writers onto one, so that
// the output of steps running in parallel never mixes within a line.
type Lines struct {
	mu sync.Mutex
}

// Prefixed returns a writer that writes each complete line to w with
// prefix before it. Close writes a last unterminated line.
func (l *Lines) Prefixed(w io.Writer, prefix string) *PrefixWriter {
	return &PrefixWriter{lines: l, w: w, prefix: []byte(prefix), chunk: ChunkSize}
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

// PrefixWriter is a line-prefixing writer made by Lines.Prefixed. It is
// safe for concurrent use (a step's output may still be copied while its
// runner closes it). Its work is linear in what is written, and it holds
// at most about two chunks.
type PrefixWriter struct {
	lines  *Lines
	w      io.Writer
	prefix []byte
	chunk  int // ChunkSize; smaller in tests

	mu  sync.Mutex
	buf []byte // the current line's start: fewer than chunk bytes, no newline
	out []byte // prefixed lines not written yet, each ending with a newline
}

// Write writes the complete lines that b ends, and the full chunks of a
// long line; it keeps the rest of the line for the next Write.
func (p *PrefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for data := b; len(data) > 0; {
		i := bytes.IndexByte(data, '\n')
		switch {
		case i >= 0 && len(p.buf)+i <= p.chunk:
			p.emit(data[:i+1])
			data = data[i+1:]
		case len(p.buf) == p.chunk:
			// A full chunk, and the line goes on: cut it here. (Not
			// sooner: a line of exactly chunk bytes stays whole.)
			p.emitChunk()
		default:
			take := min(p.chunk-len(p.buf), len(data))
			p.buf = append(p.buf, data[:take]...)
			data = data[take:]
		}
		if len(p.out) >= p.chunk {
			if err := p.flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := p.flush(); err != nil {
		return 0, err
	}
	return len(b), nil
}

// emit queues the held start of the line, then end (which ends with a
// newline), after the prefix.
func (p *PrefixWriter) emit(end []byte) {
	p.out = append(append(append(p.out, p.prefix...), p.buf...), end...)
	p.buf = p.buf[:0]
}

// emitChunk queues a full buffer as a line of its own, keeping back an
// incomplete UTF-8 sequence at its end so that no character is split.
func (p *PrefixWriter) emitChunk() {
	cut := runeCut(p.buf)
	rest := len(p.buf) - cut
	p.out = append(append(append(p.out, p.prefix...), p.buf[:cut]...), '\n')
	copy(p.buf, p.buf[cut:])
	p.buf = p.buf[:rest]
}

// runeCut is where to cut b so that a multi-byte character at its end is
// not split: before that character when it is incomplete, else len(b).
func runeCut(b []byte) int {
	for i := len(b) - 1; i >= 0 && i > len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if i > 0 && !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// flush writes the queued lines, between other writers' lines.
func (p *PrefixWriter) flush() error {
	if len(p.out) == 0 {
		return nil
	}
	p.lines.mu.Lock()
	defer p.lines.mu.Unlock()
	_, err := p.w.Write(p.out)
	p.out = p.out[:0]
	return err
}

// Close writes the last line if it had no newline.
func (p *PrefixWriter) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.emit([]byte("\n"))
	}
	return p.flush()
}
