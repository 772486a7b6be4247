package doctor

import (
	"context"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Image is an image the project uses.
type Image struct {
	Ref string
	// Users name what uses it ("verb init", "service db").
	Users []string
	// Build is the build context of a compose service built from
	// sources; empty for an image that is pulled.
	Build string
	// Fix says how to use another image when this one cannot be pulled.
	Fix string
}

// images checks that each image is present; a missing one is a warning
// when gazr init can pull or build it, a failure when its registry does
// not know it or cannot be reached. Present images share one line.
func (d *Doctor) images(ctx context.Context, images []Image) []Result {
	var present []string
	var rs []Result
	for _, img := range images {
		r := d.image(ctx, img)
		if r.Status == OK {
			present = append(present, img.Ref)
			continue
		}
		rs = append(rs, r)
	}
	if len(present) > 0 {
		rs = append([]Result{{Name: "images", Status: OK, Detail: fmt.Sprintf("%d present: %s", len(present), strings.Join(present, ", "))}}, rs...)
	}
	return rs
}

func (d *Doctor) image(ctx context.Context, img Image) Result {
	r := Result{Name: "image " + img.Ref, Status: OK}
	users := strings.Join(img.Users, ", ")
	_, err := d.API.ImageInspect(ctx, img.Ref)
	switch {
	case err == nil:
		return r
	case !cerrdefs.IsNotFound(err):
		r.Status, r.Detail = Warn, fmt.Sprintf("cannot inspect it (%v), used by %s", err, users)
		r.Fix = "check the engine's logs (e.g. `journalctl -u docker`)"
		return r
	case img.Build != "":
		r.Status, r.Detail = Warn, fmt.Sprintf("not built yet, used by %s", users)
		r.Fix = "gazr init builds it from " + img.Build
		return r
	}
	if _, err := d.API.DistributionInspect(ctx, img.Ref, client.DistributionInspectOptions{}); err != nil {
		r.Status, r.Detail = Fail, fmt.Sprintf("missing and cannot be pulled (%v), used by %s", lastPart(err), users)
		r.Fix = img.Fix
		return r
	}
	r.Status, r.Detail = Warn, fmt.Sprintf("missing, used by %s", users)
	r.Fix = "gazr init pulls it"
	return r
}

// lastPart keeps the most specific part of an engine error.
func lastPart(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i > 12 {
		return msg[i+2:]
	}
	return msg
}
