package deploy

import "fmt"

// Finding is one result of Backend.Check.
type Finding struct {
	// Name is what was checked ("engine", "swarm", "credentials").
	Name string
	// Level says how bad it is.
	Level Level
	// Detail says what was found, in one line.
	Detail string
	// Fix is the next step the user can take; set unless Level is OK.
	Fix string
}

// Level grades a Finding, from best to worst.
type Level int

// Levels of a Finding.
const (
	OK Level = iota
	Warning
	Failure
)

func (l Level) String() string {
	switch l {
	case OK:
		return "ok"
	case Warning:
		return "warning"
	case Failure:
		return "failure"
	}
	return fmt.Sprintf("level(%d)", int(l))
}

// Worst returns the worst level of fs; OK when fs is empty.
func Worst(fs []Finding) Level {
	w := OK
	for _, f := range fs {
		w = max(w, f.Level)
	}
	return w
}
