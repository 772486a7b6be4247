package iostreams

import "errors"

// errNoTerminal is MakeRaw's error for streams that are not a terminal.
var errNoTerminal = errors.New("stdin is not a terminal")

// MakeRaw puts the terminal on stdin in raw mode (no echo, no line
// editing, Ctrl-C a byte rather than SIGINT), as a step with a TTY needs:
// the keys go to the process in its container. restore puts the terminal
// back as it was; call it on every path.
func (s *IOStreams) MakeRaw() (restore func(), err error) {
	if !s.StdinTTY || s.inFd < 0 {
		return nil, errNoTerminal
	}
	return makeRaw(s.inFd)
}

// Size is the width and height of the terminal on stdout, in characters;
// ok is false when stdout is not a terminal.
func (s *IOStreams) Size() (width, height int, ok bool) {
	if !s.StdoutTTY || s.outFd < 0 {
		return 0, 0, false
	}
	return size(s.outFd)
}

// OnResize calls f each time the terminal's window changes size (SIGWINCH),
// until stop is closed. On systems without the signal it does nothing.
func (s *IOStreams) OnResize(stop <-chan struct{}, f func()) {
	onResize(stop, f)
}
