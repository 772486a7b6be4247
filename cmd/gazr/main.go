// Command gazr runs a repository's standard verbs (test, build, lint…) as
// steps in containers. See README.md.
package main

import (
	"context"
	"os"

	"github.com/gazr-io/gazr/pkg/app"
)

func main() {
	os.Exit(app.Main(context.Background(), os.Args))
}
