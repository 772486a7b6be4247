// Package iostreams holds gazr's standard streams and decides, in one
// place, whether output is a terminal and whether to use colour.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

// IOStreams are the streams a command reads and writes. Results go to Out,
// progress and diagnostics to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// StdinTTY, StdoutTTY and StderrTTY report whether each is a terminal.
	StdinTTY, StdoutTTY, StderrTTY bool
	// StdinPiped reports whether stdin is a pipe or a regular file
	// (`echo data | gazr run`, `gazr run < file`): input meant for a step.
	// /dev/null, a socket or a closed stdin is neither.
	StdinPiped bool
	// Color enables colour on ErrOut; off when NO_COLOR is set, TERM is
	// "dumb", or ErrOut is not a terminal.
	Color bool

	// inFd and outFd are the descriptors of stdin and stdout, for their
	// terminal (MakeRaw, Size); -1 when they are not files.
	inFd, outFd int
	inputOnce   sync.Once
	input       *Input
}

// System returns the process's streams.
func System() *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdinTTY:  isTerminal(os.Stdin),
		StdoutTTY: isTerminal(os.Stdout),
		StderrTTY: isTerminal(os.Stderr),
		inFd:      int(os.Stdin.Fd()), outFd: int(os.Stdout.Fd()),
	}
	s.StdinPiped = !s.StdinTTY && isPipeOrFile(os.Stdin)
	_, noColor := os.LookupEnv("NO_COLOR")
	s.Color = s.StderrTTY && !noColor && os.Getenv("TERM") != "dumb"
	return s
}

// Test returns streams backed by buffers, for tests: no terminal, no colour.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: errOut, inFd: -1, outFd: -1}, out, errOut
}

// Input is In shared by the steps that read it one after the other
// (NewInput), made on first use.
func (s *IOStreams) Input() *Input {
	s.inputOnce.Do(func() { s.input = NewInput(s.In) })
	return s.input
}

func isPipeOrFile(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeNamedPipe != 0 || fi.Mode().IsRegular()
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Scheme paints text when colour is enabled and returns it unchanged
// otherwise.
type Scheme struct {
	enabled bool
}

// ColorScheme returns the colour scheme for ErrOut.
func (s *IOStreams) ColorScheme() Scheme { return Scheme{enabled: s.Color} }

func (c Scheme) paint(attr color.Attribute, text string) string {
	if !c.enabled {
		return text
	}
	p := color.New(attr)
	p.EnableColor()
	return p.Sprint(text)
}

// Bold renders text in bold.
func (c Scheme) Bold(text string) string { return c.paint(color.Bold, text) }

// Green renders success.
func (c Scheme) Green(text string) string { return c.paint(color.FgGreen, text) }

// Red renders failure.
func (c Scheme) Red(text string) string { return c.paint(color.FgRed, text) }

// Yellow renders warnings and skipped work.
func (c Scheme) Yellow(text string) string { return c.paint(color.FgYellow, text) }

// Gray renders secondary details such as origins.
func (c Scheme) Gray(text string) string { return c.paint(color.FgHiBlack, text) }

// Cyan renders names (verbs, images).
func (c Scheme) Cyan(text string) string { return c.paint(color.FgCyan, text) }
