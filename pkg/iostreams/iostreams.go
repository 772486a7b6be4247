// Package iostreams holds gazr's standard streams and decides, in one
// place, whether output is a terminal and whether to use colour.
package iostreams

import (
	"bytes"
	"io"
	"os"

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
	// Color enables colour on ErrOut; off when NO_COLOR is set, TERM is
	// "dumb", or ErrOut is not a terminal.
	Color bool
}

// System returns the process's streams.
func System() *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdinTTY:  isTerminal(os.Stdin),
		StdoutTTY: isTerminal(os.Stdout),
		StderrTTY: isTerminal(os.Stderr),
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	s.Color = s.StderrTTY && !noColor && os.Getenv("TERM") != "dumb"
	return s
}

// Test returns streams backed by buffers, for tests: no terminal, no colour.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: errOut}, out, errOut
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
