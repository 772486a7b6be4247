package compose

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sync"

	"github.com/gazr-io/gazr/pkg/fingerprint"
)

// Validating a compose file against the compose schema is compose-go's
// most expensive step: compiling the schema costs ~14 ms on each gazr
// run that loads a project, more than the rest of an unchanged redeploy's
// own work. The check is a pure function of the load's inputs, so a load
// whose inputs are exactly those of one that passed it (validated) skips
// it. The inputs are the files' paths and bytes, .env's, the variables,
// profiles, mode, environment and name, and compose-go's version; a
// marker file named after their hash, under gazr's cache directory, says
// they passed. Loads that read other files (include, extends) or that
// compose-go warns about (a top-level version) are always validated.

// validatedKey returns the hash of a load's inputs and the bytes of
// the files it hashed; "" when the load must be validated anyway.
func validatedKey(opts LoadOptions, files []string, dotenv string, vars []string) (string, [][]byte) {
	version := composeGoVersion()
	if version == "" {
		return "", nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "compose-go %s\x00mode %d\x00env %s\x00name %s\x00", version, opts.Mode, opts.Env, opts.Name)
	for _, p := range opts.Profiles {
		fmt.Fprintf(h, "profile %s\x00", p)
	}
	for _, v := range vars {
		fmt.Fprintf(h, "var %s\x00", v)
	}
	var contents [][]byte
	for _, f := range append(files[:len(files):len(files)], dotenv) {
		if f == "" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil || readsOthers.Match(b) {
			return "", nil
		}
		fmt.Fprintf(h, "file %s %d\x00", f, len(b))
		h.Write(b)
		contents = append(contents, b)
	}
	return hex.EncodeToString(h.Sum(nil)), contents
}

// readsOthers finds what makes a load read files beyond those hashed,
// or warn: include, extends (anywhere) and a top-level version.
var readsOthers = regexp.MustCompile(`(?m)\binclude\b|\bextends\b|^version\s*:`)

// unchanged reports whether the files still hold contents (a file edited
// during the load was perhaps loaded unvalidated).
func unchanged(files []string, dotenv string, contents [][]byte) bool {
	i := 0
	for _, f := range append(files[:len(files):len(files)], dotenv) {
		if f == "" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil || i >= len(contents) || !bytes.Equal(b, contents[i]) {
			return false
		}
		i++
	}
	return true
}

func validatedMarker(key string) string {
	dir, err := fingerprint.CacheDir()
	if err != nil || key == "" {
		return ""
	}
	return filepath.Join(dir, "compose-valid", key)
}

// wasValidated reports whether a load with this key passed validation.
func wasValidated(key string) bool {
	m := validatedMarker(key)
	if m == "" {
		return false
	}
	_, err := os.Stat(m)
	return err == nil
}

// markValidated records that a load with this key passed validation; a
// failure only means the next load validates again.
func markValidated(key string) {
	m := validatedMarker(key)
	if m == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(m), 0o700); err == nil {
		_ = os.WriteFile(m, nil, 0o600)
	}
}

// composeGoVersion names the compose-go this gazr is built with: its
// module version, else (a test binary, a local copy) this executable,
// by path, size and time, which a rebuild changes; "" when neither is
// known.
var composeGoVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/compose-spec/compose-go/v2" && d.Replace == nil && d.Version != "" {
				return d.Version
			}
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
})
