package app

import (
	"context"
	"errors"
	"sync"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/project"
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

// Project is a loaded project (pkg/project); an alias so that commands
// and their tests keep one name for it.
type Project = project.Project

// LoadProject loads the project from f.Dir (project.Load); a -C that is
// not a directory is a usage error.
func (f *Factory) LoadProject() (*Project, error) {
	p, err := project.Load(f.Dir, version())
	var dir *project.DirError
	if errors.As(err, &dir) {
		return nil, &UsageError{Err: err}
	}
	return p, err
}

// verbOptions are the inputs of running verb, with every dependency a
// step may need (engine, builder, sidecar services, gazr-task helper), for
// every command that runs verbs.
func (f *Factory) verbOptions(verb string) *VerbOptions {
	return &VerbOptions{IO: f.IO, Project: f.LoadProject, Engine: f.Engine, Builder: f.builder,
		Services: f.sidecarAPI, TaskHelper: f.TaskHelper, Verb: verb}
}
