package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/plan"
	"github.com/gazr-io/gazr/pkg/registryauth"
)

// pull pulls a step's missing image.
func (r *Runner) pull(ctx context.Context, s *plan.Step) error {
	if err := Pull(ctx, r.API, s.Image.Value, nil); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &ImageError{Image: s.Image.Value, Verb: s.Verb, Origin: s.Image.Origin, Err: err}
	}
	return nil
}

// PullProgressEvery is how often Pull reports progress on a long pull.
const PullProgressEvery = 2 * time.Second

// Pull pulls ref. The engine reports pull failures inside the progress
// stream, so the stream is read to its end. With progress non-nil, a line
// goes there whenever a layer completes or PullProgressEvery has passed
// (layers done, bytes downloaded), so that a long pull shows it is moving.
// The error is the engine's, shortened to its most specific part.
// Credentials come from the docker config, as for `docker pull`.
func Pull(ctx context.Context, api ImagePuller, ref string, progress io.Writer) error {
	auth, err := registryauth.ForImage(ref)
	if err != nil {
		return err
	}
	resp, err := api.ImagePull(ctx, ref, client.ImagePullOptions{RegistryAuth: auth})
	if err != nil {
		return trimEngineError(err)
	}
	defer resp.Close()
	p := &pullProgress{ref: ref, out: progress, layers: map[string]*layer{}, last: time.Now(), every: PullProgressEvery}
	dec := json.NewDecoder(resp)
	for {
		var msg pullMessage
		if err := dec.Decode(&msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
		p.handle(&msg, time.Now())
	}
}

// pullMessage is one object of the engine's pull stream.
type pullMessage struct {
	Status         string `json:"status"`
	ID             string `json:"id"`
	Error          string `json:"error"`
	ProgressDetail struct {
		Current int64 `json:"current"`
		Total   int64 `json:"total"`
	} `json:"progressDetail"`
}

type layer struct {
	current, total int64
	done           bool
}

// pullProgress turns the per-layer stream into a few summary lines.
type pullProgress struct {
	ref    string
	out    io.Writer
	layers map[string]*layer
	last   time.Time
	every  time.Duration
}

func (p *pullProgress) handle(m *pullMessage, now time.Time) {
	if p.out == nil || m.ID == "" || strings.HasPrefix(m.Status, "Pulling from") {
		return
	}
	l := p.layers[m.ID]
	if l == nil {
		l = &layer{}
		p.layers[m.ID] = l
	}
	completed := false
	switch m.Status {
	case "Downloading":
		l.current, l.total = m.ProgressDetail.Current, m.ProgressDetail.Total
	case "Download complete":
		l.current = l.total
	case "Pull complete", "Already exists":
		completed = !l.done
		l.done, l.current = true, l.total
	}
	if completed || now.Sub(p.last) >= p.every {
		p.last = now
		fmt.Fprintln(p.out, p.line())
	}
}

// line is e.g. "pull golang:1.26: 3/7 layers, 45.2/120.0 MB".
func (p *pullProgress) line() string {
	var done int
	var cur, total int64
	for _, l := range p.layers {
		if l.done {
			done++
		}
		cur, total = cur+l.current, total+l.total
	}
	return fmt.Sprintf("pull %s: %d/%d layers, %.1f/%.1f MB", p.ref, done, len(p.layers), float64(cur)/1e6, float64(total)/1e6)
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
