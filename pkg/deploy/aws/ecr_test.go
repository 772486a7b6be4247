package aws_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/app"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/iostreams"
)

// The project the tests deploy: one service of busybox sleeping, three
// replicas spread over the nodes, its image built FROM a host image and
// pushed to ECR (the bed's registry), so that every node pulls it. Its
// update replaces the three at once and sleep (PID 1, deaf to SIGTERM)
// is killed after a second: the proof is the pulls, not the rollout.
var project = map[string]string{
	"compose.yaml": `services:
  web:
    build: .
    stop_grace_period: 1s
    deploy:
      replicas: 3
      update_config:
        parallelism: 3
        monitor: 1s
`,
	"Dockerfile": "FROM " + deploytest.DefaultImage + "\nCOPY version.txt /version.txt\nCMD [\"sleep\", \"3600\"]\n",
}

// testExpiredToken deploys v1 with gazr, expires ECR's token (the
// registry's password rotates), deploys v2: gazr asks for a new token,
// pushes with it, and the nodes pull v2 with it.
func testExpiredToken(t *testing.T, fx *fixture) {
	f := fx.bed.Fake
	writeProject(t, fx.dir)
	f.ResetCalls()
	v1 := commit(t, fx.dir, "v1")
	t0 := time.Now()
	out := gazr(t, fx, "deploy", "--env", fx.bed.EnvName(), "--yes")
	t.Logf("TIMING deploy v1: %s", time.Since(t0).Round(time.Millisecond))
	wantLine(t, out, "✔ deployed gzaws-staging "+v1[:12])
	if n := calls(f, "GetAuthorizationToken"); n < 1 {
		t.Fatalf("deploy v1 with ECR made %d GetAuthorizationToken calls", n)
	}
	_, old, _ := f.Token()

	f.ExpireToken()
	if _, pw, _ := f.Token(); pw == old {
		t.Fatal("ExpireToken left the registry's password as it was")
	}
	f.ResetCalls()
	v2 := commit(t, fx.dir, "v2")
	t0 = time.Now()
	out = gazr(t, fx, "deploy", "--env", fx.bed.EnvName(), "--yes")
	t.Logf("TIMING deploy v2 after the token expired: %s", time.Since(t0).Round(time.Millisecond))
	wantLine(t, out, "✔ deployed gzaws-staging "+v2[:12])
	if n := calls(f, "GetAuthorizationToken"); n < 1 {
		t.Errorf("deploy v2 after the token expired made %d GetAuthorizationToken calls; want a fresh token", n)
	}
	nodes := v2Nodes(t, fx, v2[:12])
	if len(nodes) < 2 {
		t.Errorf("v2's tasks run on %d node(s) (%v); want ≥ 2, each having pulled v2 with the new token", len(nodes), nodes)
	}
	t.Logf("v2 runs on nodes %v", nodes)
}

// writeProject writes the project's files beside its .gazr.toml and
// makes it a git repository (gazr's versions are commits).
func writeProject(t *testing.T, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		enginetest.Missing(t, "deploy tests need git (the deployed version is the commit): %v", err)
	}
	for name, body := range project {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "init", "-q")
}

// commit writes version into version.txt, commits everything, and
// returns the commit's id.
func commit(t *testing.T, dir, version string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "version.txt"), []byte(version+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "-A")
	git(t, dir, "-c", "user.name=gazr-test", "-c", "user.email=gazr-test@example.invalid", "commit", "-q", "-m", version)
	return git(t, dir, "rev-parse", "HEAD")
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// gazr runs gazr's command line (see run) and returns its stdout and
// stderr, one after the other.
func gazr(t *testing.T, fx *fixture, args ...string) string {
	t.Helper()
	out, errOut := run(t, fx, args...)
	return out + errOut
}

// run runs gazr's command line in the project's directory, in this
// process (app.Run, as the binary's main does), and returns its stdout
// and stderr; it fails the test when gazr fails.
func run(t *testing.T, fx *fixture, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	io, out, errOut := iostreams.Test()
	t.Setenv("GAZR_DEPLOYER", "gazr-test")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(fx.dir, ".cache"))
	err := app.Run(ctx, io, append([]string{"gazr", "-C", fx.dir}, args...))
	if slices.Contains(args, "--json") {
		t.Logf("gazr %s:\n%s", strings.Join(args, " "), errOut)
	} else {
		t.Logf("gazr %s:\n%s%s", strings.Join(args, " "), errOut, out)
	}
	if err != nil {
		t.Fatalf("gazr %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String()
}

// wantLine fails the test unless out has a line starting with prefix.
func wantLine(t *testing.T, out, prefix string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return
		}
	}
	t.Fatalf("no line starting %q in gazr's output", prefix)
}

// v2Nodes waits until the service runs its three tasks of version, and
// returns the nodes they run on.
func v2Nodes(t *testing.T, fx *fixture, version string) []string {
	t.Helper()
	m, err := fx.bed.Swarm.Manager()
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		nodes, err = runningOn(ctx, m, "gzaws-staging_web", version)
		if err == nil {
			return nodes
		}
		select {
		case <-ctx.Done():
			t.Fatalf("v2's tasks: %v", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// runningOn returns the distinct nodes running the service's tasks,
// which must be three, all of the image tagged version.
func runningOn(ctx context.Context, m client.TaskAPIClient, service, version string) ([]string, error) {
	res, err := m.TaskList(ctx, client.TaskListOptions{
		Filters: client.Filters{}.Add("service", service).Add("desired-state", "running"),
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var nodes []string
	for _, task := range res.Items {
		img := task.Spec.ContainerSpec.Image
		if task.Status.State != swarm.TaskStateRunning || !strings.Contains(img, ":"+version) {
			return nil, fmt.Errorf("task %s on node %s: %s, image %s", task.ID, task.NodeID, task.Status.State, img)
		}
		if !seen[task.NodeID] {
			seen[task.NodeID] = true
			nodes = append(nodes, task.NodeID)
		}
	}
	if len(res.Items) != 3 {
		return nil, fmt.Errorf("%d tasks running, want 3", len(res.Items))
	}
	return nodes, nil
}
