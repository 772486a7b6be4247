// Package project loads a gazr project the one way every command does:
// from a directory, walking up to its .gazr.toml, with its convention, the
// host's user and gazr's version, ready to resolve verbs into plans.
package project

import (
	"errors"
	"fmt"
	"os"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
)

// Project is a loaded project: its config and convention, and what its
// steps take from the host.
type Project struct {
	Config     *config.Config
	Convention *convention.Convention
	// User is the UID:GID steps run as by default; "" keeps the image's.
	User string
	// Version is gazr's version, given to the steps.
	Version string
}

// DirError is a directory to start from (-C) that is not one: a mistake
// on the command line.
type DirError struct{ Dir string }

func (e *DirError) Error() string { return fmt.Sprintf("-C %s: not a directory", e.Dir) }

// Load finds and parses the project from dir (walking up to its
// .gazr.toml) and picks its convention: the one named in the config, none
// for "none", else the detected one. A dir that is not a directory is a
// *DirError; a convention named wrongly is a *config.Error at its key.
func Load(dir, version string) (*Project, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, &DirError{Dir: dir}
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	p := &Project{Config: cfg, User: HostUser(), Version: version}
	switch cfg.Convention {
	case "none":
	case "":
		p.Convention, err = convention.Detect(cfg.Root)
	default:
		p.Convention, err = convention.At(cfg.Root, cfg.Convention)
		var located *config.Error
		if err != nil && !errors.As(err, &located) {
			err = &config.Error{Path: cfg.Path, Pos: cfg.Pos["convention"], Msg: err.Error()}
		}
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// HostUser is the UID:GID steps run as by default. On hosts without POSIX
// ids (Windows) it is "": the image's user is kept.
func HostUser() string {
	if os.Getuid() < 0 {
		return ""
	}
	return fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid())
}
