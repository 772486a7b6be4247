package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/helperbin"
)

// Caller runs one call of the gazr-aws helper. An API error is a
// *awsproto.Error; other errors say the helper could not answer.
type Caller interface {
	Call(ctx context.Context, req awsproto.Request) (awsproto.Response, error)
}

// HelperEnv names a gazr-aws binary to use instead of looking for one.
const HelperEnv = "GAZR_AWS_HELPER"

// Helper is the gazr-aws helper, found beside gazr.
var Helper = helperbin.Helper{
	Name:    "gazr-aws",
	Env:     HelperEnv,
	Files:   []string{"gazr-aws"},
	Install: "go install github.com/gazr-io/gazr/cmd/gazr-aws@latest",
	Needed:  "the aws backend calls AWS through the gazr-aws helper",
}

// ExecCaller runs the gazr-aws helper, one process per call.
type ExecCaller struct {
	// Path is the helper; empty: found as Helper says, on first use.
	Path string
}

// checked holds, by helper path, the result of asking its protocol: once
// per process.
var checked sync.Map

// Locate returns the helper's path and checks its protocol.
func (c *ExecCaller) Locate() (string, error) {
	p := c.Path
	if p == "" {
		var err error
		if p, err = Helper.Locate(); err != nil {
			return "", err
		}
	}
	if v, ok := checked.Load(p); ok {
		err, _ := v.(error)
		return p, err
	}
	n, err := helperbin.AskProtocol(p)
	if err != nil {
		err = &helperbin.BrokenError{Helper: Helper, Path: p, Err: err}
	} else if n != awsproto.Version {
		err = &helperbin.ProtocolError{Helper: Helper, Path: p, Got: n, Want: awsproto.Version}
	}
	checked.Store(p, err)
	return p, err
}

// callGrace is how long past its own deadline (GAZR_AWS_TIMEOUT) a
// helper call may take before gazr ends it as hung.
var callGrace = 15 * time.Second

// callBound is how long one helper call may take: the helper bounds its
// work by GAZR_AWS_TIMEOUT (a Go duration or whole seconds, default 60 s),
// and a helper still running well after that is hung.
func callBound() time.Duration {
	d := 60 * time.Second
	v := strings.TrimSpace(os.Getenv("GAZR_AWS_TIMEOUT"))
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		d = time.Duration(n) * time.Second
	} else if t, err := time.ParseDuration(v); err == nil && t > 0 {
		d = t
	}
	return d + callGrace
}

// Call implements Caller.
func (c *ExecCaller) Call(ctx context.Context, req awsproto.Request) (awsproto.Response, error) {
	p, err := c.Locate()
	if err != nil {
		return awsproto.Response{}, err
	}
	req.Version = awsproto.Version
	in, err := json.Marshal(req)
	if err != nil {
		return awsproto.Response{}, err
	}
	bound := callBound()
	callCtx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(callCtx, p)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &out, &stderr
	cmd.WaitDelay = 2 * time.Second
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return awsproto.Response{}, fmt.Errorf("gazr-aws %s: %w", req.Op, ctx.Err())
	}
	if callCtx.Err() != nil {
		return awsproto.Response{}, &helperbin.BrokenError{Helper: Helper, Path: p,
			Err: fmt.Errorf("%s: no answer within %s, ended", req.Op, bound)}
	}
	var res awsproto.Response
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return awsproto.Response{}, &helperbin.BrokenError{Helper: Helper, Path: p, Err: noAnswer(req.Op, runErr, err, stderr.String())}
	}
	if res.Version != awsproto.Version {
		return awsproto.Response{}, &helperbin.ProtocolError{Helper: Helper, Path: p, Got: res.Version, Want: awsproto.Version}
	}
	if res.Error != nil {
		return res, res.Error
	}
	return res, nil
}

// noAnswer says why a call gave no response: the helper's last words on
// stderr, else how it ended, else what was wrong with its output.
func noAnswer(op string, runErr, decodeErr error, stderr string) error {
	why := fmt.Errorf("its answer is not JSON: %v", decodeErr)
	if runErr != nil {
		why = runErr
	}
	if s := lastLine(stderr); s != "" {
		why = errors.New(s)
	}
	return fmt.Errorf("%s gave no answer: %v", op, why)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
