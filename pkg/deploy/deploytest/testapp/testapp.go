// Package testapp holds the HTTP service gazr's deploy tests ship: a
// stdlib-only Go server with a /health endpoint, a health probe mode for
// HEALTHCHECK (`/hello -check`), graceful shutdown (fails its health
// check, drains 2 s, then stops), and a compose file with 3 replicas
// behind gazr's edge. Its image builds offline FROM gazr-test/go:1.26 and
// gazr-test/busybox:1.
package testapp

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:embed files
var files embed.FS

// Write writes the app into dir with version as its /version.txt. Go
// sources are embedded with a .txt suffix so that they are not part of
// gazr's own module; it is removed here.
func Write(dir, version string) error {
	err := fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "files/"), ".txt")
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "version.txt"), []byte(version+"\n"), 0o644)
}
