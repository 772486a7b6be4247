package compose

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
)

// logMu serialises the loads that borrow logrus' global logger.
var logMu sync.Mutex

// loadQuietly runs compose-go's LoadProject with its logrus output
// (`time=… level=warning msg=…`, printed ahead of gazr's own lines)
// captured: a failed load reports its error alone, a successful one passes
// the warnings on as "gazr: warning: …" lines on the logger's output.
func loadQuietly(ctx context.Context, po *cli.ProjectOptions) (*types.Project, error) {
	logMu.Lock()
	defer logMu.Unlock()
	log := logrus.StandardLogger()
	hook := &warnings{}
	out, hooks := log.Out, log.ReplaceHooks(logrus.LevelHooks{})
	log.AddHook(hook)
	log.SetOutput(io.Discard)
	p, err := po.LoadProject(ctx)
	log.SetOutput(out)
	log.ReplaceHooks(hooks)
	if err != nil {
		return nil, err
	}
	for _, m := range hook.msgs {
		fmt.Fprintf(out, "gazr: warning: %s\n", m)
	}
	return p, nil
}

// warnings is a logrus hook keeping the messages of warnings and worse.
type warnings struct{ msgs []string }

func (w *warnings) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (w *warnings) Fire(e *logrus.Entry) error {
	w.msgs = append(w.msgs, strings.Join(strings.Fields(e.Message), " "))
	return nil
}
