package image

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/moby/moby/client"
)

// anonymousAuth is X-Registry-Auth for no credentials ("{}"): engines
// reject a push without the header.
var anonymousAuth = base64.URLEncoding.EncodeToString([]byte("{}"))

// statusDigest finds the digest in the push's closing status line
// ("<tag>: digest: sha256:… size: 528").
var statusDigest = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`)

// Push pushes ref (a tagged reference, see Ref) from the engine to its
// registry and returns the digest of the pushed manifest ("sha256:…").
// auth is the X-Registry-Auth value (see registryauth.ForHost); "" pushes
// anonymously.
//
// Progress, to progress (nil discards it), is one line per layer when it
// starts uploading and when it is done, and a closing summary. The engine,
// not this process, connects to the registry: a registry the engine cannot
// reach fails with "push <ref>: <engine's message>" and a hint.
func Push(ctx context.Context, api client.ImageAPIClient, ref, auth string, progress io.Writer) (string, error) {
	if progress == nil {
		progress = io.Discard
	}
	if auth == "" {
		auth = anonymousAuth
	}
	resp, err := api.ImagePush(ctx, ref, client.ImagePushOptions{RegistryAuth: auth})
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, ctxErr(ctx, err))
	}
	defer resp.Close()
	p := pushProgress{w: progress, layers: map[string]string{}}
	if err := decodeStream(ctx, resp, p.handle); err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	if p.digest == "" {
		return "", fmt.Errorf("push %s: the engine reported no digest", ref)
	}
	fmt.Fprintf(progress, "%s: %s\n", ref, p.summary())
	return p.digest, nil
}

// pushProgress follows a push's JSON stream.
type pushProgress struct {
	w      io.Writer
	layers map[string]string // layer ID → last status
	digest string
}

// handle takes one message of the stream.
func (p *pushProgress) handle(m *message) error {
	if msg := m.errorMessage(); msg != "" {
		return pushError(msg)
	}
	if len(m.Aux) > 0 {
		var aux struct{ Digest string }
		if json.Unmarshal(m.Aux, &aux) == nil && aux.Digest != "" {
			p.digest = aux.Digest
		}
	}
	if m.ID == "" {
		if d := statusDigest.FindStringSubmatch(m.Status); d != nil && p.digest == "" {
			p.digest = d[1]
		}
		return nil
	}
	if m.Status == p.layers[m.ID] {
		return nil
	}
	p.layers[m.ID] = m.Status
	// "Preparing" and "Waiting" precede every upload: only news is shown.
	if m.Status != "Preparing" && m.Status != "Waiting" {
		fmt.Fprintf(p.w, "%s: %s\n", m.ID, m.Status)
	}
	return nil
}

// summary counts the layers by outcome.
func (p *pushProgress) summary() string {
	pushed, present := 0, 0
	for _, s := range p.layers {
		switch {
		case s == "Pushed":
			pushed++
		case s == "Layer already exists" || strings.HasPrefix(s, "Mounted from"):
			present++
		}
	}
	return fmt.Sprintf("pushed %d layer(s), %d already in the registry, digest %s", pushed, present, p.digest)
}

// pushError words the engine's message, with the next step for the
// failures that have a usual cause.
func pushError(msg string) error {
	switch {
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"),
		strings.Contains(msg, "i/o timeout"):
		return fmt.Errorf("%s (the engine connects to the registry: check that it runs and that the engine's host can reach it)", msg)
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return fmt.Errorf("%s (a plain-HTTP registry must be listed in the engine's insecure-registries)", msg)
	case strings.Contains(msg, "unauthorized"), strings.Contains(msg, "authentication required"):
		return fmt.Errorf("%s (log in to the registry with `docker login`, or set its credentials)", msg)
	}
	return errors.New(msg)
}
