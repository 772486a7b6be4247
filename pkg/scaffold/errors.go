package scaffold

import "fmt"

// InputError is a mistake in what the user asked for (an unknown template,
// a target directory that is not empty, an invalid module path), as
// opposed to a failure while writing. Its message is one line and says
// what to do instead.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}
