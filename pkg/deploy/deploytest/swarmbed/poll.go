package swarmbed

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// poll calls f every interval until it returns true or a [permanent]
// error, or timeout passes; the error then names what was awaited and f's
// last error.
func poll(ctx context.Context, timeout, interval time.Duration, what string, f func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		ok, err := f(ctx)
		if ok {
			return nil
		}
		var p *permanentError
		if errors.As(err, &p) {
			return p.err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last: %v)", what, ctx.Err(), err)
		case <-time.After(interval):
		}
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// permanentError stops a poll.
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }

// permanent marks an error that no retry can fix.
func permanent(err error) error { return &permanentError{err} }
