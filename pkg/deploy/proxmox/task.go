package proxmox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	pve "github.com/luthermonson/go-proxmox"
)

// logTail is how many of a failed task's last log lines its error shows.
const logTail = 4

// TaskError is a PVE task that failed: its exit status and the last lines
// of its log.
type TaskError struct {
	// What the task did ("clone VM 9000 to 105").
	What       string
	UPID       string
	Node       string
	ExitStatus string
	// Log is the last lines of the task's log.
	Log []string
}

func (e *TaskError) Error() string {
	s := fmt.Sprintf("%s failed on %s: %s", e.What, e.Node, e.ExitStatus)
	if len(e.Log) > 0 {
		s += "; its log ends: " + strings.Join(e.Log, " | ")
	}
	return s + " (task " + e.UPID + ")"
}

// wait waits for task (what says what it does) to end, polling every
// b.poll, within b.timeouts.Task and ctx. A task that fails is a
// *TaskError with its log's last lines. A nil task (PVE did the change at
// once, returning no UPID) is done.
func (b *Backend) wait(ctx context.Context, task *pve.Task, what string) error {
	if task == nil {
		return nil
	}
	err := task.Wait(ctx, b.poll, b.timeouts.Task)
	var tfe *pve.TaskFailedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tfe):
		te := &TaskError{What: what, UPID: string(task.UPID), Node: task.Node, ExitStatus: tfe.ExitStatus}
		te.Log = tail(ctx, task, logTail, "TASK ERROR: "+tfe.ExitStatus)
		return fmt.Errorf("env %s: %w", b.env.Name, te)
	case errors.Is(err, pve.ErrTimeout):
		return fmt.Errorf("env %s: %s did not end within %s (task %s); see it in the PVE web UI (node %s → Task History)", b.env.Name, what, b.timeouts.Task, task.UPID, task.Node)
	}
	return b.explain("wait for "+what, err)
}

// tail reads the last n lines of a task's log, without a last line
// that only repeats the exit status (skip); none when it cannot.
func tail(ctx context.Context, task *pve.Task, n int, skip string) []string {
	log, err := task.Log(ctx, 0, 10000)
	if err != nil {
		return nil
	}
	var lines []string
	for _, i := range slices.Sorted(maps.Keys(log)) {
		if l := strings.TrimSpace(log[i]); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 && lines[len(lines)-1] == skip {
		lines = lines[:len(lines)-1]
	}
	return lines[max(0, len(lines)-n):]
}
