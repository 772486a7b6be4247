package taskfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/gazr-io/gazr/pkg/fingerprint"
	"github.com/gazr-io/gazr/pkg/helperbin"
)

// HelperProtocol is the gazr-task protocol this gazr speaks (the helper's
// own constant, cmd/gazr-task/protocol.go, is kept equal by a test).
const HelperProtocol = 1

// ProtocolError says the helper found speaks another protocol than gazr.
type ProtocolError = helperbin.ProtocolError

// checked caches the check by path, size and modification time, so that a
// run asking for the helper several times (one plan per verb) pays the
// exec once, and a helper replaced meanwhile is checked again.
var checked sync.Map // protocolKey → error

type protocolKey struct {
	path  string
	size  int64
	mtime time.Time
}

// checkProtocol runs `path --protocol` and compares its answer with
// HelperProtocol. A helper this host cannot execute (the Linux helper of
// a macOS or Windows gazr, another architecture's build) cannot be asked,
// and passes: the step container that runs it is the next to tell.
func checkProtocol(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return &HelperError{Helper: helper, Looked: []string{path}, Err: err}
	}
	key := protocolKey{path, fi.Size(), fi.ModTime()}
	if v, ok := checked.Load(key); ok {
		err, _ := v.(error)
		return err
	}
	if agreed(key) {
		checked.Store(key, nil)
		return nil
	}
	err = askProtocol(path)
	checked.Store(key, err)
	if err == nil {
		remember(key)
	}
	return err
}

// agreed reports whether an earlier run recorded that this very helper
// file (path, size, modification time) speaks HelperProtocol: asking it
// costs an exec of go-task's startup (0.1 s or more), which a skipped verb
// must not pay on every run.
func agreed(k protocolKey) bool {
	b, err := os.ReadFile(recordPath(k.path))
	return err == nil && string(b) == recordLine(k)
}

// remember records a helper that answered HelperProtocol; failing to
// write only means asking again next time.
func remember(k protocolKey) {
	p := recordPath(k.path)
	if p == "" || os.MkdirAll(filepath.Dir(p), 0o755) != nil {
		return
	}
	tmp := p + ".tmp" + strconv.Itoa(os.Getpid())
	if os.WriteFile(tmp, []byte(recordLine(k)), 0o644) == nil {
		_ = os.Rename(tmp, p)
	}
}

func recordPath(path string) string {
	dir, err := fingerprint.CacheDir()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(path))
	return filepath.Join(dir, "helpers", hex.EncodeToString(sum[:8]))
}

func recordLine(k protocolKey) string {
	return fmt.Sprintf("%s\t%d\t%d\tprotocol %d\n", k.path, k.size, k.mtime.UnixNano(), HelperProtocol)
}

// askProtocol asks the helper its protocol. A helper this host cannot
// execute (the Linux helper of a macOS or Windows gazr, another
// architecture's build) cannot be asked, and passes: the step container
// that runs it is the next to tell.
func askProtocol(path string) error {
	n, err := helperbin.AskProtocol(path)
	if errors.Is(err, syscall.ENOEXEC) || errors.Is(err, exec.ErrNotFound) {
		return nil
	}
	if err != nil || n != HelperProtocol {
		return &ProtocolError{Helper: helper, Path: path, Got: n, Want: HelperProtocol}
	}
	return nil
}
