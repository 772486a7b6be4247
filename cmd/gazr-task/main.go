// Command gazr-task runs a Taskfile's tasks with go-task's own executor
// (github.com/go-task/task/v3), so that deps, vars, sources/generates and
// preconditions behave exactly as with `task`.
//
// gazr bind-mounts it into a step container at /gazr/bin/gazr-task and runs
// `gazr-task <task> -- <args>...` in the project directory. It is a module
// of its own so that go-task, its ~50 ms of package init and its large
// dependency graph never reach the main gazr binary.
//
// Usage:
//
//	gazr-task [--force] <task> [VAR=value...] [-- <args>...]
//	gazr-task --protocol    (prints the protocol version gazr checks)
//
// Arguments after -- reach the task as CLI_ARGS (and CLI_ARGS_LIST), as
// with `task`. The exit code of a failing command passes through; other
// failures exit with go-task's own codes (100-series for a Taskfile that
// cannot be read, 200-series for a task that cannot run).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-task/task/v3"
	"github.com/go-task/task/v3/args"
	taskerrors "github.com/go-task/task/v3/errors"
	"github.com/go-task/task/v3/taskfile/ast"
)

func main() {
	os.Exit(run(context.Background(), "", os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the tasks named in argv with the Taskfile found from dir (""
// for the working directory, as task does) and returns the exit code.
func run(ctx context.Context, dir string, argv []string, stdout, stderr io.Writer) int {
	if len(argv) == 1 && argv[0] == "--protocol" {
		fmt.Fprintln(stdout, protocol)
		return 0
	}
	inv, err := parseArgs(argv)
	if err != nil {
		fmt.Fprintf(stderr, "gazr-task: %v\n", err)
		return 2
	}
	e := task.NewExecutor(
		task.WithDir(dir),
		task.WithStdout(stdout),
		task.WithStderr(stderr),
		task.WithForce(inv.force),
		task.WithColor(os.Getenv("NO_COLOR") == ""),
		task.WithVersionCheck(true),
	)
	if err := e.Setup(); err != nil {
		return report(stderr, err)
	}
	e.Taskfile.Vars.Merge(inv.globals, nil)
	quoted, err := args.ToQuotedString(inv.cliArgs)
	if err != nil {
		return report(stderr, err)
	}
	special := ast.NewVars()
	special.Set("CLI_ARGS", ast.Var{Value: quoted})
	special.Set("CLI_ARGS_LIST", ast.Var{Value: inv.cliArgs})
	special.Set("CLI_FORCE", ast.Var{Value: inv.force})
	e.Taskfile.Vars.ReverseMerge(special, nil)
	// As `task` does: the first Ctrl-C or SIGTERM reaches the commands,
	// which stop themselves; task only forces an exit on the third.
	e.InterceptInterruptSignals()
	if err := e.Run(ctx, inv.calls...); err != nil {
		return report(stderr, err)
	}
	return 0
}

// invocation is a parsed command line.
type invocation struct {
	calls   []*task.Call
	globals *ast.Vars
	cliArgs []string
	force   bool
}

func parseArgs(argv []string) (*invocation, error) {
	inv := &invocation{}
	var before []string
	for i, a := range argv {
		if a == "--" {
			inv.cliArgs = argv[i+1:]
			break
		}
		switch a {
		case "-f", "--force":
			inv.force = true
		default:
			if len(a) > 1 && a[0] == '-' {
				return nil, fmt.Errorf("unknown flag %q; usage: gazr-task [--force] <task> [VAR=value...] [-- <args>...]", a)
			}
			before = append(before, a)
		}
	}
	inv.calls, inv.globals = args.Parse(before...)
	if len(inv.calls) == 0 {
		inv.calls = []*task.Call{{Task: "default"}}
	}
	return inv, nil
}

// report prints err as `task` does and returns its exit code: a failing
// command's own code, else go-task's code for the error.
func report(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, err)
	var run *taskerrors.TaskRunError
	if errors.As(err, &run) {
		return run.TaskExitCode()
	}
	var te taskerrors.TaskError
	if errors.As(err, &te) {
		return te.Code()
	}
	return taskerrors.CodeUnknown
}
