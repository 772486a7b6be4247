package integration

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/enginetest"
)

// TestUserDataScript runs the reference join script of docs/aws in a
// Debian container against stubs of aws, docker and the instance
// metadata (testdata/userdata): first manager, rerun, second manager with
// pruning, worker, stale token, waiting for the first manager, bad tag.
// The script's AWS calls and swarm moves are checked, not AWS itself.
func TestUserDataScript(t *testing.T) {
	const image = "gazr-test/debian:12"
	cli := enginetest.Connect(t, image)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: image, Cmd: []string{"bash", "/scenarios/run.sh"}},
		HostConfig: &container.HostConfig{Binds: []string{
			abs("testdata/userdata/bin") + ":/stubbin:ro",
			abs("testdata/userdata") + ":/scenarios:ro",
			abs("../docs/aws") + ":/ud:ro",
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = cli.ContainerRemove(context.Background(), created.ID, client.ContainerRemoveOptions{Force: true})
	})
	wait := cli.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	var code int64
	select {
	case res := <-wait.Result:
		code = res.StatusCode
	case err := <-wait.Error:
		t.Fatal(err)
	}
	rc, err := cli.ContainerLogs(ctx, created.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var out bytes.Buffer
	_, _ = stdcopy.StdCopy(&out, &out, rc)
	if code != 0 || !strings.Contains(out.String(), "ok   F says") {
		t.Fatalf("scenarios exited %d:\n%s", code, out.String())
	}
	t.Logf("%d checks passed", strings.Count(out.String(), "\nok   "))
}
