package proxmox_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
)

// The project the tests deploy: one service of busybox sleeping, three
// replicas spread over the nodes, its image built FROM a host image and
// pushed to the bed's registry (behind auth, the login in the bed's
// docker config), so that every node pulls it.
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

// service is the deployed service's name: the stack <name>-<env>.
func (fx *fixture) service() string { return "gzpve-" + fx.bed.EnvName() + "_web" }

// testRestart starts the VMs the conformance suite left stopped, through
// the backend, waits until the swarm's 4 nodes are Ready and prunes
// what is left of the suite's scaling.
func testRestart(t *testing.T, fx *fixture) {
	b := fx.backend(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	managers, workers := fx.envVMs()
	for _, v := range append(managers, workers...) {
		if v.Status != "running" {
			if err := b.StartNode(ctx, strconv.Itoa(v.VMID)); err != nil {
				t.Fatalf("StartNode(%d): %v", v.VMID, err)
			}
		}
	}
	waitReady(t, ctx, b, 4)
	if _, err := b.PruneNodes(ctx); err != nil {
		t.Fatalf("PruneNodes: %v", err)
	}
}

// testDeploy deploys the project with gazr deploy: its three tasks run,
// on two nodes or more, of the image gazr pushed.
func testDeploy(t *testing.T, fx *fixture) {
	writeProject(t, fx.dir)
	v1 := commit(t, fx.dir, "v1")
	t0 := time.Now()
	out := gazr(t, fx, "deploy", "--env", fx.bed.EnvName(), "--yes")
	t.Logf("TIMING deploy v1: %s", time.Since(t0).Round(time.Millisecond))
	if !strings.Contains(out, "✔ deployed gzpve-"+fx.bed.EnvName()+" "+v1[:12]) {
		t.Fatalf("gazr deploy did not say it deployed %s:\n%s", v1[:12], out)
	}
	nodes := fullStrength(t, fx, v1[:12], nil, time.Minute)
	if len(nodes) < 2 {
		t.Errorf("the tasks run on %d node(s) (%v); want ≥ 2", len(nodes), nodes)
	}
	t.Logf("v1 runs on nodes %v", nodes)
	fx.version = v1[:12]
}

// fullStrength waits until the service runs its three tasks of version,
// none on a node of avoid, and returns the nodes they run on.
func fullStrength(t *testing.T, fx *fixture, version string, avoid map[string]bool, within time.Duration) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	var err error
	for {
		var m deploy.SwarmAPI
		if m, err = fx.backend(t).Manager(ctx); err == nil {
			var nodes []string
			nodes, err = runningOn(ctx, m, fx.service(), version)
			m.Close()
			for _, n := range nodes {
				if avoid[n] && err == nil {
					err = fmt.Errorf("a task still runs on node %s", n)
				}
			}
			if err == nil {
				return nodes
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the service's three tasks of %s: %v", version, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// runningOn returns the distinct nodes running the service's tasks,
// which must be three, all running the image tagged version.
func runningOn(ctx context.Context, m client.TaskAPIClient, service, version string) ([]string, error) {
	res, err := m.TaskList(ctx, client.TaskListOptions{
		Filters: client.Filters{}.Add("service", service).Add("desired-state", "running"),
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var nodes []string
	running := 0
	for _, task := range res.Items {
		img := task.Spec.ContainerSpec.Image
		if task.Status.State != swarm.TaskStateRunning || !strings.Contains(img, ":"+version) {
			return nil, fmt.Errorf("task %s on node %s: %s, image %s", task.ID, task.NodeID, task.Status.State, img)
		}
		running++
		if !seen[task.NodeID] {
			seen[task.NodeID] = true
			nodes = append(nodes, task.NodeID)
		}
	}
	if running != 3 {
		return nil, fmt.Errorf("%d tasks running, want 3", running)
	}
	return nodes, nil
}

// waitReady polls the backend's Nodes until want nodes are Ready.
func waitReady(t *testing.T, ctx context.Context, b deploy.Backend, want int) {
	t.Helper()
	var err error
	for {
		var nodes []deploy.Node
		if nodes, err = b.Nodes(ctx); err == nil {
			ready := 0
			for _, n := range nodes {
				if n.Ready {
					ready++
				}
			}
			if ready == want {
				return
			}
			err = fmt.Errorf("%d nodes Ready, want %d", ready, want)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for the nodes: %v", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// writeProject writes the project's files beside its .gazr.toml and
// makes it a git repository (gazr's versions are commits).
func writeProject(t *testing.T, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("deploy tests need git (the deployed version is the commit): %v", err)
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
