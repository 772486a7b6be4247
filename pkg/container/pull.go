package container

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/plan"
)

// pull pulls a step's missing image. The engine reports pull failures
// inside the progress stream, so the stream is read to its end.
func (r *Runner) pull(ctx context.Context, s *plan.Step) error {
	resp, err := r.API.ImagePull(ctx, s.Image.Value, client.ImagePullOptions{})
	if err != nil {
		return &ImageError{Image: s.Image.Value, Verb: s.Verb, Origin: s.Image.Origin, Err: trimEngineError(err)}
	}
	defer resp.Close()
	dec := json.NewDecoder(resp)
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return &ImageError{Image: s.Image.Value, Verb: s.Verb, Origin: s.Image.Origin, Err: err}
		}
		if msg.Error != "" {
			return &ImageError{Image: s.Image.Value, Verb: s.Verb, Origin: s.Image.Origin, Err: errors.New(msg.Error)}
		}
	}
}

// trimEngineError keeps the last, most specific part of an engine error.
func trimEngineError(err error) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i > 12 {
		return errors.New(msg[i+2:])
	}
	return err
}

// isRemovalInProgress reports the engine's answer to removing a container
// it is already auto-removing.
func isRemovalInProgress(err error) bool {
	return strings.Contains(err.Error(), "already in progress")
}
