package onboard

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gazr-io/gazr/pkg/convention"
)

// MakefileNames are the files GNU make reads, in its order: if any exists,
// gazr init --write-makefile writes nothing.
var MakefileNames = []string{"GNUmakefile", "makefile", "Makefile"}

// RenderMakefile writes a Makefile whose targets call gazr, one per verb
// (gazr.io's habit, so `make test` keeps working for people and CI that
// expect it). GAZR_BIN names the gazr to call (make GAZR_BIN=./gazr
// test); not GAZR, which gazr sets to 1 in every step it runs.
func RenderMakefile(verbs []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: each target runs the gazr verb of the same name.\n", convention.ForwardMarker)
	b.WriteString("# gazr list shows what each one runs. Extra arguments: make test ARGS=\"-run TestX\".\n\n")
	b.WriteString("GAZR_BIN ?= gazr\n\n")
	fmt.Fprintf(&b, ".PHONY: %s\n", strings.Join(verbs, " "))
	for _, v := range verbs {
		fmt.Fprintf(&b, "\n%s:\n\t$(GAZR_BIN) %s $(if $(ARGS),-- $(ARGS))\n", v, v)
	}
	return []byte(b.String())
}

// WriteMakefile writes data to dir/Makefile, refusing when a file make
// would read exists: gazr never overwrites a project file.
func WriteMakefile(dir string, data []byte) (string, error) {
	for _, name := range MakefileNames {
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p); err == nil {
			return "", fmt.Errorf("%s already exists; gazr never overwrites it: add targets calling gazr to it by hand (see gazr init --write-makefile --dry-run)", p)
		}
	}
	path := filepath.Join(dir, "Makefile")
	return createNew(path, data)
}
