package onboard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteMakefileNeverOverwrites: any file make would read (GNUmakefile,
// makefile, Makefile) stops the write, and nothing is created.
func TestWriteMakefileNeverOverwrites(t *testing.T) {
	for _, name := range MakefileNames {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("all:\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := WriteMakefile(dir, RenderMakefile([]string{"test"}))
		if err == nil || !strings.Contains(err.Error(), "gazr never overwrites it") {
			t.Errorf("%s exists: err = %v, want a refusal", name, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != "all:\n" {
			t.Errorf("%s changed: %q", name, b)
		}
	}
}
