package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/taskfile"
)

// Factory holds what commands share, each dependency created on first use
// so that `gazr --version` and `gazr list` never connect to the engine.
type Factory struct {
	IO *iostreams.IOStreams
	// Dir is where gazr starts looking for the project (-C).
	Dir string
	// ExtraArgs are the arguments after "--".
	ExtraArgs []string
	// Engine connects to the container engine.
	Engine func(context.Context) (container.StepAPI, error)
	// client is Engine's connection, with the whole API (gazr init).
	client func(context.Context) (*client.Client, error)
	// TaskHelper finds the gazr-task helper that runs Taskfile tasks.
	TaskHelper func() (string, error)

	// commands are the names of the root's commands, which win over
	// project verbs of the same name.
	commands []string
}

func newFactory(io *iostreams.IOStreams, extra []string) *Factory {
	var (
		once sync.Once
		cli  *client.Client
		err  error
	)
	connect := func(ctx context.Context) (*client.Client, error) {
		once.Do(func() { cli, err = container.Connect(ctx) })
		return cli, err
	}
	return &Factory{
		IO:         io,
		Dir:        ".",
		ExtraArgs:  extra,
		TaskHelper: taskfile.FindHelper,
		Engine: func(ctx context.Context) (container.StepAPI, error) {
			c, err := connect(ctx)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
		client: connect,
	}
}

// Project is a loaded project: its config and convention.
type Project struct {
	Config     *config.Config
	Convention *convention.Convention
}

// LoadProject finds and parses the project from f.Dir and picks its
// convention: the one named in the config, none for "none", else the
// detected one.
func (f *Factory) LoadProject() (*Project, error) {
	if fi, err := os.Stat(f.Dir); err != nil || !fi.IsDir() {
		return nil, &UsageError{Err: fmt.Errorf("-C %s: not a directory", f.Dir)}
	}
	cfg, err := config.Load(f.Dir)
	if err != nil {
		return nil, err
	}
	p := &Project{Config: cfg}
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

// hostUser is the UID:GID steps run as by default.
// On hosts without POSIX ids (Windows) the image's user is kept.
func hostUser() string {
	if os.Getuid() < 0 {
		return ""
	}
	return fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid())
}

// verbOptions are the inputs of running verb, with every dependency a
// step may need (engine, builder, sidecar services, gazr-task helper), for
// every command that runs verbs.
func (f *Factory) verbOptions(verb string) *VerbOptions {
	return &VerbOptions{IO: f.IO, Project: f.LoadProject, Engine: f.Engine, Builder: f.builder,
		Services: f.sidecarAPI, TaskHelper: f.TaskHelper, Verb: verb}
}
