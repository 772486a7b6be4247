// Command gazr runs a repository's standard verbs (test, build, lint…) as
// steps in containers. See README.md.
package main

import (
	"context"
	"os"
	// The IANA time zones, for schedules read in a tz: gazr's agent runs
	// in an image of this executable alone, with no zoneinfo (+450 kB).
	_ "time/tzdata"

	"github.com/gazr-io/gazr/pkg/app"
)

func main() {
	os.Exit(app.Main(context.Background(), os.Args))
}
