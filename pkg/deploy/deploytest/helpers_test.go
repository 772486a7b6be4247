package deploytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/testapp"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

// hostEngine returns a client of the host engine once it has images and
// git is installed; enginetest's policy decides what happens otherwise.
func hostEngine(t *testing.T, images ...string) *client.Client {
	t.Helper()
	c := enginetest.Connect(t, images...)
	if _, err := exec.LookPath("git"); err != nil {
		enginetest.Missing(t, "git is needed to version the test app: %v", err)
	}
	return c
}

// loadInto streams images from the host engine into one node's engine
// (swarmbed's Load fills every node; only the builder needs these).
func loadInto(ctx context.Context, host, node *client.Client, images ...string) error {
	save, err := host.ImageSave(ctx, images)
	if err != nil {
		return fmt.Errorf("save %v: %w", images, err)
	}
	defer save.Close()
	res, err := node.ImageLoad(ctx, save, client.ImageLoadWithQuiet(true))
	if err != nil {
		return fmt.Errorf("load %v: %w", images, err)
	}
	defer res.Close()
	dec := json.NewDecoder(res)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("load %v: %w", images, err)
		}
		if m.Error != nil {
			return fmt.Errorf("load %v: %w", images, m.Error)
		}
	}
}

// writeApp writes the test app at version (its /version.txt) and the
// project file into dir, and commits them: the deployed version is the
// commit's id.
func writeApp(t *testing.T, dir, version, gazrToml string) {
	t.Helper()
	if err := testapp.Write(dir, version); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".gazr.toml"), []byte(gazrToml), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		git(t, dir, "init", "-q")
	}
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", version)
}

// git runs git in dir, with an identity of its own, and returns its
// trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	args = append([]string{"-c", "user.name=gazr test", "-c", "user.email=test@gazr.invalid", "-c", "commit.gpgsign=false"}, args...)
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// get sends one GET url with Host host and returns the body of a 200.
func get(ctx context.Context, url, host string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return strings.TrimSpace(string(body)), err
}

// runningTasks returns the service's tasks swarm wants running, and how
// many of them run, by node.
func runningTasks(ctx context.Context, api client.TaskAPIClient, service string) ([]swarm.Task, map[string]int, error) {
	res, err := api.TaskList(ctx, client.TaskListOptions{
		Filters: client.Filters{}.Add("service", service).Add("desired-state", "running"),
	})
	if err != nil {
		return nil, nil, err
	}
	byNode := map[string]int{}
	for _, task := range res.Items {
		if task.Status.State == swarm.TaskStateRunning {
			byNode[task.NodeID]++
		}
	}
	return res.Items, byNode, nil
}

// waitFor calls f every 200ms until it returns nil, failing the test with
// its last error after timeout; it returns how long it took.
func waitFor(t *testing.T, what string, timeout time.Duration, f func(context.Context) error) time.Duration {
	t.Helper()
	t0 := time.Now()
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err := f(ctx)
		cancel()
		if err == nil {
			return time.Since(t0).Round(time.Millisecond)
		}
		if time.Since(t0) > timeout || t.Context().Err() != nil {
			t.Fatalf("waiting for %s: not after %s: %v", what, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// logWriter passes what it is given to t.Log, line by line, and
// remembers when each line came.
type logWriter struct {
	t      *testing.T
	prefix string
	mu     sync.Mutex
	buf    []byte
	lines  []string
	times  []time.Time
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(w.buf[:i])
		w.t.Log(w.prefix + line)
		w.lines, w.times = append(w.lines, line), append(w.times, time.Now())
		w.buf = w.buf[i+1:]
	}
}

// at returns when the first line starting with prefix came (zero if none).
func (w *logWriter) at(prefix string) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, l := range w.lines {
		if strings.HasPrefix(l, prefix) {
			return w.times[i]
		}
	}
	return time.Time{}
}
