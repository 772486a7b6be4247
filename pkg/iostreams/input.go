package iostreams

import (
	"io"
	"sync"
)

// Input shares gazr's stdin between the steps that run one after the
// other: one goroutine reads it, started by the first Copy, and each step
// takes what it reads while it runs. What a step did not take stays for
// the next one, and after EOF every step sees EOF at once. Reading stdin
// cannot be interrupted, so a reader of its own per step would leave a
// read behind each step that eats the next step's input.
type Input struct {
	src    io.Reader
	start  sync.Once
	chunks chan []byte
	eof    chan struct{}
}

// NewInput returns the shared reader of r, which it does not read before
// the first Copy.
func NewInput(r io.Reader) *Input {
	return &Input{src: r, chunks: make(chan []byte), eof: make(chan struct{})}
}

// Copy writes what the input reads to w until the input ends (it returns
// true: the step's stdin should be closed), until stop is closed, or
// until a write fails (it returns false).
func (in *Input) Copy(w io.Writer, stop <-chan struct{}) bool {
	in.start.Do(func() { go in.read() })
	for {
		select {
		case b := <-in.chunks:
			if _, err := w.Write(b); err != nil {
				return false
			}
		case <-in.eof:
			return true
		case <-stop:
			return false
		}
	}
}

// read hands each chunk of src to one Copy; it closes eof after the last.
func (in *Input) read() {
	defer close(in.eof)
	buf := make([]byte, 32*1024)
	for {
		n, err := in.src.Read(buf)
		if n > 0 {
			in.chunks <- append([]byte(nil), buf[:n]...)
		}
		if err != nil {
			return
		}
	}
}
