package onboard

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/image"
)

// ImageAPI is what getting images needs.
type ImageAPI interface {
	client.ImageAPIClient
	image.BuildAPI
}

// Got says what EnsureImages did with each image.
type Got struct {
	Present, Pulled, Built []string
}

// Changed reports whether anything was pulled or built.
func (g Got) Changed() bool { return len(g.Pulled)+len(g.Built) > 0 }

// Missing returns the images that are not present, without getting them.
func Missing(ctx context.Context, api client.ImageAPIClient, images []Image) ([]Image, error) {
	var out []Image
	for _, img := range images {
		ok, err := present(ctx, api, img.Ref)
		if err != nil {
			return nil, err
		}
		if !ok {
			out = append(out, img)
		}
	}
	return out, nil
}

// EnsureImages makes every image present: a missing one is pulled, or
// built from its service's sources, with progress lines on progress. It
// stops at the first failure; an image that cannot be pulled is a
// *container.ImageError saying how to use another one.
func EnsureImages(ctx context.Context, api ImageAPI, images []Image, progress io.Writer) (Got, error) {
	var got Got
	for _, img := range images {
		ok, err := present(ctx, api, img.Ref)
		if err != nil {
			return got, err
		}
		if ok {
			got.Present = append(got.Present, img.Ref)
			continue
		}
		start := time.Now()
		if img.Build != nil {
			fmt.Fprintf(progress, "build %s from %s\n", img, img.Context)
			if err := build(ctx, api, img, progress); err != nil {
				return got, err
			}
			got.Built = append(got.Built, img.Ref)
		} else {
			fmt.Fprintf(progress, "pull %s\n", img)
			if err := container.Pull(ctx, api, img.Ref, progress); err != nil {
				if ctx.Err() != nil {
					return got, ctx.Err()
				}
				return got, img.Error(err)
			}
			got.Pulled = append(got.Pulled, img.Ref)
		}
		fmt.Fprintf(progress, "  %s ready in %s\n", img.Ref, time.Since(start).Round(time.Millisecond))
	}
	return got, nil
}

func present(ctx context.Context, api client.ImageAPIClient, ref string) (bool, error) {
	_, err := api.ImageInspect(ctx, ref)
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("inspect image %s: %w", ref, err)
	}
}

// build builds a compose service's image through the engine, as gazr
// build does, showing the lines where the builder starts a step.
func build(ctx context.Context, api ImageAPI, img Image, progress io.Writer) error {
	b := img.Build
	args := map[string]string{}
	for k, v := range b.Args {
		if v != nil {
			args[k] = *v
		}
	}
	req := image.BuildRequest{Dir: img.Context, Dockerfile: b.Dockerfile, Target: b.Target, Tags: []string{img.Ref},
		Labels: map[string]string(b.Labels), Args: args}
	steps := &stepLines{out: progress, prefix: "  "}
	_, err := image.Build(ctx, api, req, steps)
	steps.flush()
	if err != nil {
		return fmt.Errorf("service %s: %w", img.Service, err)
	}
	return nil
}

// stepLines passes on the lines of a build's output that start a step:
// the legacy builder's "Step n/m : …", BuildKit's "#4 [build 2/3] …"
// (without its "#4 ").
type stepLines struct {
	out    io.Writer
	prefix string
	buf    bytes.Buffer
}

func (s *stepLines) Write(p []byte) (int, error) {
	s.buf.Write(p)
	for {
		line, err := s.buf.ReadString('\n')
		if err != nil {
			s.buf.WriteString(line)
			return len(p), nil
		}
		s.line(line)
	}
}

func (s *stepLines) line(l string) {
	l = strings.TrimRight(l, "\r\n")
	if m := buildKitStep.FindStringSubmatch(l); m != nil {
		l = m[1]
	} else if !strings.HasPrefix(l, "Step ") {
		return
	}
	fmt.Fprint(s.out, s.prefix+l+"\n")
}

// buildKitStep is the line where BuildKit's plain progress starts a
// Dockerfile step: "#4 [2/3] RUN make", "#7 [build 1/4] FROM …"
// (internal steps and output lines have no "[n/m]").
var buildKitStep = regexp.MustCompile(`^#\d+ (\[(?:[\w.-]+ )?\d+/\d+\] .*)$`)

func (s *stepLines) flush() {
	s.line(s.buf.String())
	s.buf.Reset()
}
