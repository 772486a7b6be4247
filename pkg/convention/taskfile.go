package convention

import (
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/shell"
	"github.com/gazr-io/gazr/pkg/taskfile"
)

// taskfileConvention builds the effective convention of a Taskfile: each
// task that can be called is a verb running `gazr-task <task>` (go-task's
// executor, mounted by the plan), in the image and with the caches of the
// language convention found beside it, if any. Tasks named after a gazr
// verb are that verb; the others are listed in Extra. Wildcard tasks
// ("start:*") need their argument in the name, so they are left out.
func taskfileConvention(tc, lang *Convention, tf *taskfile.Taskfile) *Convention {
	c := *tc
	c.Verbs, c.Extra, c.Outputs = map[string]Verb{}, nil, nil
	for _, t := range tf.Tasks {
		c.Outputs = append(c.Outputs, t.Generates...)
	}
	for _, t := range tf.Public() {
		if strings.Contains(t.Name, "*") {
			continue
		}
		if _, dup := c.Verbs[t.Name]; !dup && !config.IsVerb(t.Name) {
			c.Extra = append(c.Extra, t.Name)
		}
		desc := t.Desc
		if desc == "" {
			desc = t.Summary
		}
		c.Verbs[t.Name] = Verb{Run: []string{TaskCommand(t.Name)}, Description: desc, Task: t.Name, Origin: t.Origin()}
	}
	borrow(&c, lang)
	return &c
}

// TaskCommand is the step command that runs a Taskfile task: the helper
// with the task name, then "--" so that arguments after `gazr <verb> --`
// reach the task as CLI_ARGS.
func TaskCommand(task string) string {
	return taskfile.HelperTarget + " " + shell.Quote(task) + " --"
}

// borrow gives a convention derived from a project file the image and
// caches of the language convention found beside it.
func borrow(c, lang *Convention) {
	if lang != nil {
		c.Base = lang.Name
		c.Caches = lang.Caches
		c.Image, c.ImageOrigin, c.DefaultImage = lang.Image, lang.ImageOrigin, lang.DefaultImage
	}
}
