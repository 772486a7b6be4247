// Command writeapp writes gazr's test service into a directory, as a git
// repository ready to deploy (integration/demo.sh uses it).
//
//	go run ./pkg/deploy/deploytest/testapp/writeapp DIR [VERSION]
package main

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/testapp"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: writeapp DIR [VERSION]")
		os.Exit(2)
	}
	dir, version := os.Args[1], "v1"
	if len(os.Args) == 3 {
		version = os.Args[2]
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	if err := testapp.Write(dir, version); err != nil {
		fail(err)
	}
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "-A"},
		{"-c", "user.email=demo@gazr", "-c", "user.name=demo", "commit", "-qm", version},
	} {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			fail(fmt.Errorf("git %v: %v: %s", args, err, out))
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "writeapp:", err)
	os.Exit(1)
}
