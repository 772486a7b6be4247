package taskfile

import (
	"runtime"

	"github.com/gazr-io/gazr/pkg/helperbin"
)

// Helper locations.
const (
	// HelperTarget is where the gazr-task helper is mounted in a step
	// container.
	HelperTarget = "/gazr/bin/gazr-task"
	// HelperEnv names a helper binary to use instead of looking for one.
	HelperEnv = "GAZR_TASK_HELPER"
	// HelperOrigin is the origin of the helper's mount in a plan.
	HelperOrigin = "gazr-task helper"
	// HelperInstall is how to install the helper, for error messages.
	HelperInstall = "CGO_ENABLED=0 go install github.com/gazr-io/gazr/cmd/gazr-task@latest"
)

// HelperError says the gazr-task helper could not be found.
type HelperError = helperbin.NotFoundError

// helper is the gazr-task helper for this host.
var helper = helperbin.Helper{
	Name:    "gazr-task",
	Env:     HelperEnv,
	Files:   HelperNames(runtime.GOOS, runtime.GOARCH),
	Install: HelperInstall,
	Needed:  "Taskfile tasks run with the gazr-task helper",
}

// HelperNames are the file names of the helper for a host: the Linux
// build for the engine's containers is "gazr-task" on a Linux host and
// "gazr-task-linux-<arch>" (as release archives ship it) on any host.
func HelperNames(goos, goarch string) []string {
	linux := "gazr-task-linux-" + goarch
	if goos == "linux" {
		return []string{"gazr-task", linux}
	}
	return []string{linux}
}

// FindHelper returns the path of the gazr-task helper: $GAZR_TASK_HELPER
// when set, else the first of HelperNames next to gazr's own executable
// (symlinks resolved, so a gazr linked into PATH finds the helper beside
// its real file). It returns a *HelperError when none is there, and a
// *ProtocolError when the helper found speaks another protocol (checked
// once per helper file and process).
func FindHelper() (string, error) {
	p, err := helper.Locate()
	if err != nil {
		return "", err
	}
	return p, checkProtocol(p)
}

func findBeside(dir string, names []string) (string, error) {
	h := helper
	h.Files = names
	return h.FindBeside(dir)
}
