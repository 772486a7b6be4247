package helperbin

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var h = Helper{Name: "gazr-x", Env: "GAZR_X_HELPER", Files: []string{"gazr-x"}, Install: "go install x@latest", Needed: "x runs through the gazr-x helper"}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(h.Env, "")
	_, err := h.FindBeside(dir)
	var nf *NotFoundError
	want := "x runs through the gazr-x helper, not found (looked for " + filepath.Join(dir, "gazr-x") + "); install it next to gazr (go install x@latest) or set GAZR_X_HELPER"
	if !errors.As(err, &nf) || err.Error() != want {
		t.Errorf("FindBeside: %v\nwant %s", err, want)
	}
	p := filepath.Join(dir, "gazr-x")
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := h.FindBeside(dir); got != p || err != nil {
		t.Errorf("FindBeside = %q, %v", got, err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	t.Setenv(h.Env, link)
	if got, err := h.Locate(); got != p || err != nil {
		t.Errorf("Locate with %s: %q, %v; want the link resolved", h.Env, got, err)
	}
	t.Setenv(h.Env, filepath.Join(dir, "missing"))
	if _, err := h.Locate(); err == nil || !strings.Contains(err.Error(), `GAZR_X_HELPER="`+filepath.Join(dir, "missing")+`" is not usable`) {
		t.Errorf("Locate of a missing file: %v", err)
	}
	if n, err := AskProtocol(p); n != 3 || err != nil {
		t.Errorf("AskProtocol = %d, %v", n, err)
	}
	e := &ProtocolError{Helper: h, Path: p, Got: 3, Want: 1}
	if !strings.Contains(e.Error(), "gazr-x at "+p+" speaks protocol 3, this gazr needs 1: install the gazr-x of the same release") {
		t.Errorf("ProtocolError: %s", e)
	}
}
