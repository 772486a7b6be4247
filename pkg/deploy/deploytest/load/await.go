package load

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"time"
)

// Await sends GET url (with Host set when not empty), one request after
// another, until every one of bodies has been answered, for up to timeout
// (or until ctx ends): before a loop starts, to know that the service is up
// and that each of its tasks answers (when each answers with its name).
func Await(ctx context.Context, url, host string, timeout time.Duration, bodies ...string) error {
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	seen := map[string]bool{}
	var last error
	for {
		body, err := get(ctx, client, url, host)
		if err == nil {
			seen[body] = true
		} else {
			last = err
		}
		if !slices.ContainsFunc(bodies, func(b string) bool { return !seen[b] }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("GET %s: after %s, answers %v, want %q; last error: %v", url, timeout, slices.Sorted(maps.Keys(seen)), bodies, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// get sends one GET url with Host host and returns the trimmed body of a
// 200 response; any other status is an error.
func get(ctx context.Context, client *http.Client, url, host string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	if host != "" {
		req.Host = host
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, trim(b))
	}
	return trim(b), nil
}
