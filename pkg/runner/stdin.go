package runner

import (
	"slices"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

// Interaction is what a step gets of gazr's stdin and terminal.
type Interaction struct {
	// Stdin: gazr's stdin is attached to the step's.
	Stdin bool
	// TTY: the step runs on a terminal of its own (stdout and stderr
	// merged); with Stdin, gazr's terminal is in raw mode meanwhile.
	TTY bool
}

// Interact decides what a step gets of gazr's streams io:
//   - steps running in parallel share no stdin (which step would read a
//     line?) and get no TTY: their output is prefixed line by line;
//   - under gazr watch (warm), a step gets no stdin: file changes start
//     it, and the keys stay gazr's (Ctrl-C ends the watch); it gets a TTY
//     when gazr is on one, for its colours;
//   - otherwise a step gets stdin when gazr's is a terminal, a pipe or a
//     file (not /dev/null, a socket or none), and a TTY when gazr's stdin
//     and stdout are both terminals, as `docker run -i [-t]`.
func Interact(io *iostreams.IOStreams, parallel, warm bool) Interaction {
	tty := io.StdinTTY && io.StdoutTTY
	switch {
	case parallel:
		return Interaction{}
	case warm:
		return Interaction{TTY: tty}
	}
	return Interaction{Stdin: io.StdinTTY || io.StdinPiped, TTY: tty}
}

// apply sets the runner's stdin and terminal for the interaction.
func (i Interaction) apply(io *iostreams.IOStreams, r *container.Runner) {
	r.TTY = i.TTY
	if i.Stdin {
		r.Stdin = io.Input()
		if i.TTY {
			r.Terminal = io
		}
	}
}

// asked reports whether step s is the verb pl was made for, or one of its
// members when that verb is a group (test, security), rather than a dep.
func asked(pl *plan.Plan, s *plan.Step) bool {
	return s.Verb == pl.Verb || slices.Contains(config.Groups[pl.Verb], s.Verb)
}
