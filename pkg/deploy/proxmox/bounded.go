package proxmox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// SilentError: the API took a request and did not answer it within the
// bound (TimeoutEnv): a host that accepts connections and hangs (pveproxy
// stuck, a cluster without quorum, storage hung) does not hang gazr.
type SilentError struct{ After time.Duration }

func (e *SilentError) Error() string {
	return fmt.Sprintf("no answer within %s", e.After)
}

// errBound is the cause of a request's context ending at its bound.
var errBound = errors.New("request bound")

// bounded gives each request d to be answered, headers and body, and
// tells that bound from the caller's own deadline or cancellation.
type bounded struct {
	rt http.RoundTripper
	d  time.Duration
}

func (b bounded) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeoutCause(r.Context(), b.d, errBound)
	resp, err := b.rt.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		if r.Context().Err() == nil && errors.Is(context.Cause(ctx), errBound) {
			return nil, &SilentError{After: b.d}
		}
		return nil, err
	}
	resp.Body = &boundBody{ReadCloser: resp.Body, parent: r.Context(), ctx: ctx, cancel: cancel, d: b.d}
	return resp, nil
}

// boundBody ends the request's bound when the body is closed, and says
// a body cut by the bound is a *SilentError.
type boundBody struct {
	io.ReadCloser
	parent, ctx context.Context
	cancel      context.CancelFunc
	d           time.Duration
}

func (b *boundBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.parent.Err() == nil && errors.Is(context.Cause(b.ctx), errBound) {
		return n, &SilentError{After: b.d}
	}
	return n, err
}

func (b *boundBody) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}
