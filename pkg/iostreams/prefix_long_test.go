package iostreams

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// wantPrefixed is what a PrefixWriter with the given chunk size must
// write for in, written in any pieces and then closed: each line, cut
// into pieces of at most chunk bytes (never inside a UTF-8 character),
// each piece on a line of its own after the prefix.
func wantPrefixed(in []byte, prefix string, chunk int) string {
	var out strings.Builder
	lines := bytes.SplitAfter(in, []byte("\n"))
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		// A last line without newline gets one at Close.
		body, _ := bytes.CutSuffix(line, []byte("\n"))
		for len(body) > chunk {
			cut := runeCut(body[:chunk])
			out.WriteString(prefix)
			out.Write(body[:cut])
			out.WriteByte('\n')
			body = body[cut:]
		}
		out.WriteString(prefix)
		out.Write(body)
		out.WriteByte('\n')
	}
	return out.String()
}

// randomOutput is n bytes of lines of random lengths, some far longer
// than chunk, with multi-byte characters and maybe no final newline.
func randomOutput(r *rand.Rand, n, chunk int) []byte {
	var b []byte
	for len(b) < n {
		switch r.IntN(10) {
		case 0:
			b = append(b, '\n')
		case 1:
			b = append(b, "é€😀"[r.IntN(3)*2:]...)
		case 2:
			b = append(b, bytes.Repeat([]byte{'x'}, r.IntN(3*chunk))...)
		default:
			b = append(b, byte('a'+r.IntN(26)))
		}
	}
	return b
}

// No byte is lost, added or reordered, however the output is split into
// writes, and long lines are cut as specified.
func TestPrefixedProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 500 {
		chunk := 1 + r.IntN(64)
		in := randomOutput(r, r.IntN(4000), chunk)
		var out bytes.Buffer
		var l Lines
		w := l.Prefixed(&out, "p | ")
		w.chunk = chunk
		for rest := in; len(rest) > 0; {
			n := min(len(rest), r.IntN(3*chunk)+1)
			if k, err := w.Write(rest[:n]); k != n || err != nil {
				t.Fatalf("Write = %d, %v; want %d, nil", k, err, n)
			}
			rest = rest[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if want := wantPrefixed(in, "p | ", chunk); out.String() != want {
			g, w := out.String(), want
			k := 0
			for k < min(len(g), len(w)) && g[k] == w[k] {
				k++
			}
			t.Fatalf("iteration %d (chunk %d, %d bytes): differs at byte %d: got %q, want %q", iter, chunk, len(in), k, g[max(0, k-60):min(len(g), k+40)], w[max(0, k-60):min(len(w), k+40)])
		}
		if utf8.Valid(in) && !utf8.Valid(out.Bytes()) {
			t.Fatalf("iteration %d: a character was split", iter)
		}
	}
}

// A 20 MB line without a newline, written as a copy would: every byte
// arrives, in lines of ChunkSize bytes, and the writer holds a bounded
// amount of memory however long the line is.
func TestPrefixedHugeLine(t *testing.T) {
	const size = 20 << 20
	var l Lines
	count := &countingWriter{}
	w := l.Prefixed(count, "build | ")
	line := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	piece := 32 << 10
	for i := 0; i < len(line); i += piece {
		if _, err := w.Write(line[i:min(i+piece, len(line))]); err != nil {
			t.Fatal(err)
		}
		if held := cap(w.buf) + cap(w.out); held > 4*ChunkSize+len(w.prefix) {
			t.Fatalf("after %d bytes the writer holds %d bytes", i, held)
		}
	}
	w.Close()
	lines := (size + ChunkSize - 1) / ChunkSize
	if want := size + lines*(len("build | ")+1); count.n != want {
		t.Errorf("wrote %d bytes, want %d (%d lines)", count.n, want, lines)
	}
	if count.maxLine != len("build | ")+ChunkSize+1 {
		t.Errorf("longest line %d bytes, want %d", count.maxLine, len("build | ")+ChunkSize+1)
	}
}

// countingWriter counts bytes and measures lines without keeping them.
type countingWriter struct{ n, line, maxLine int }

func (c *countingWriter) Write(p []byte) (int, error) {
	n := len(p)
	c.n += n
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.line += len(p)
			break
		}
		c.maxLine = max(c.maxLine, c.line+i+1)
		c.line, p = 0, p[i+1:]
	}
	return n, nil
}

// BenchmarkPrefixedHugeLine sends a 100 MB line without a newline through
// a PrefixWriter in 32 KiB writes (the size of the engine's stream copy).
func BenchmarkPrefixedHugeLine(b *testing.B) {
	const size = 100 << 20
	piece := bytes.Repeat([]byte("x"), 32<<10)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		var l Lines
		w := l.Prefixed(io.Discard, "build | ")
		for range size / len(piece) {
			w.Write(piece)
		}
		w.Close()
	}
}
