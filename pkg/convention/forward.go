package convention

import (
	"bufio"
	"os"
	"strings"
)

// ForwardMarker opens the Makefile `gazr init --write-makefile` writes.
// Its targets call gazr, so it is no convention: run in a step's
// container, `make test` would call a gazr that is not there. Detection
// skips it and the language convention beside it applies.
const ForwardMarker = "# Written by gazr init --write-makefile"

// MakeTargets returns the gazr verbs that the Makefile at path defines as
// targets, in the order of config.Verbs, as the Makefile convention reads
// them.
func MakeTargets(path string) ([]string, error) { return makeTargets(path) }

// forwards reports whether the Makefile at path is one gazr wrote to
// forward make's targets to gazr (its first line starts with ForwardMarker).
func forwards(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	return sc.Scan() && strings.HasPrefix(sc.Text(), ForwardMarker)
}
