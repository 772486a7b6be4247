// Package load sends a steady stream of HTTP requests to a service and
// counts what fails: the yardstick of gazr's zero-downtime deploys.
package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Stats count the requests of a run.
type Stats struct {
	Requests, Failed int
	// Bodies counts successful responses by body (e.g. per version).
	Bodies map[string]int
	// Errors holds the first few failures.
	Errors []string
	// Slowest is the longest successful request.
	Slowest time.Duration
	Took    time.Duration
}

func (s Stats) String() string {
	return fmt.Sprintf("%d requests, %d failed (%.0f req/s, slowest %s)", s.Requests, s.Failed,
		float64(s.Requests)/s.Took.Seconds(), s.Slowest.Round(time.Millisecond))
}

// Loop sends GET url (with Host set when not empty) from workers
// goroutines, one request after another, until Stop. Every request is
// bounded by a timeout; the loop stops by itself after max.
type Loop struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	stats  Stats
}

// Start begins a loop. A request fails on a transport error, a status
// other than 200, or after 5 s.
func Start(url, host string, workers int, max time.Duration) *Loop {
	ctx, cancel := context.WithTimeout(context.Background(), max)
	l := &Loop{cancel: cancel, done: make(chan struct{}), stats: Stats{Bodies: map[string]int{}}}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: false, MaxIdleConnsPerHost: workers}}
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				l.one(ctx, client, url, host)
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	go func() {
		wg.Wait()
		l.mu.Lock()
		l.stats.Took = time.Since(start)
		l.mu.Unlock()
		close(l.done)
	}()
	return l
}

func (l *Loop) one(ctx context.Context, client *http.Client, url, host string) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if host != "" {
		req.Host = host
	}
	t := time.Now()
	resp, err := client.Do(req)
	if ctx.Err() != nil {
		return // the loop is stopping: this request does not count
	}
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stats.Requests++
	if err != nil {
		l.stats.Failed++
		if len(l.stats.Errors) < 5 {
			l.stats.Errors = append(l.stats.Errors, time.Now().Format("15:04:05.000")+" "+err.Error())
		}
		return
	}
	l.stats.Bodies[strings.TrimSpace(string(body))]++
	if d := time.Since(t); d > l.stats.Slowest {
		l.stats.Slowest = d
	}
}

// Stop ends the loop and returns its stats.
func (l *Loop) Stop() Stats {
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}
