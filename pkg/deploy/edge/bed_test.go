package edge

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/enginetest"
)

// Images of the real-engine tests, built offline by
// integration/images/build.sh.
const (
	haproxyImage = "gazr-test/haproxy:2.6"
	busyboxImage = "gazr-test/busybox:1"
)

// bed is what a real-engine test runs in: a user-defined bridge network of
// its own (Docker's embedded DNS serves it, and network aliases stand in
// for a dnsrr service's tasks.<service>) and containers on it. It never
// touches the engine's swarm state. Everything it creates carries its label
// and is removed when the test ends.
type bed struct {
	t    *testing.T
	cli  *client.Client
	name string // prefix of every container
	net  string // the bed network, once created
}

const bedLabel = "io.gazr.edge.test"

// newBed connects to the engine through enginetest, whose policy decides
// what happens when there is none or an image is missing.
func newBed(t *testing.T, images ...string) *bed {
	t.Helper()
	cli := enginetest.Connect(t, images...)
	var r [4]byte
	_, _ = rand.Read(r[:])
	b := &bed{t: t, cli: cli, name: "gazr-edge-test-" + hex.EncodeToString(r[:])}
	t.Cleanup(b.cleanup)
	return b
}

func (b *bed) labels() map[string]string { return map[string]string{bedLabel: b.name} }

// createNetwork creates the bed's bridge network.
func (b *bed) createNetwork(ctx context.Context) {
	b.t.Helper()
	if _, err := b.cli.NetworkCreate(ctx, b.name, client.NetworkCreateOptions{Driver: "bridge", Labels: b.labels()}); err != nil {
		b.t.Fatalf("create network %s: %v", b.name, err)
	}
	b.net = b.name
}

// ctr describes a container to run.
type ctr struct {
	name    string            // suffix of the container name
	cfg     container.Config  // Image, Cmd, ...
	aliases []string          // DNS names on the bed network
	files   map[string][]byte // path → content, copied in before start
	publish string            // container port published on 127.0.0.1 at a random port
}

// run creates and starts c on the bed network (none if the bed has no
// network) and returns the container's name.
func (b *bed) run(ctx context.Context, c ctr) string {
	b.t.Helper()
	name := b.name + "-" + c.name
	cfg := c.cfg
	cfg.Labels = b.labels()
	hc := &container.HostConfig{NetworkMode: "none"}
	var nc *network.NetworkingConfig
	if b.net != "" {
		hc.NetworkMode = container.NetworkMode(b.net)
		nc = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{b.net: {Aliases: c.aliases}}}
	}
	if c.publish != "" {
		p := network.MustParsePort(c.publish)
		cfg.ExposedPorts = network.PortSet{p: {}}
		hc.PortBindings = network.PortMap{p: {{HostIP: netip.MustParseAddr("127.0.0.1")}}}
	}
	if _, err := b.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name, Config: &cfg, HostConfig: hc, NetworkingConfig: nc}); err != nil {
		b.t.Fatalf("create container %s: %v", name, err)
	}
	for path, data := range c.files {
		if err := b.copyFile(ctx, name, path, data); err != nil {
			b.t.Fatal(err)
		}
	}
	if _, err := b.cli.ContainerStart(ctx, name, client.ContainerStartOptions{}); err != nil {
		b.t.Fatalf("start container %s: %v", name, err)
	}
	return name
}

func (b *bed) copyFile(ctx context.Context, ctrName, path string, data []byte) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	// Executable for all: the backend binary is among the files.
	hdr := &tar.Header{Name: filepath.Base(path), Mode: 0o755, Size: int64(len(data)), ModTime: time.Now()}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := tw.Write(data); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	_, err := b.cli.CopyToContainer(ctx, ctrName, client.CopyToContainerOptions{DestinationPath: filepath.Dir(path), Content: &buf})
	if err != nil {
		return fmt.Errorf("copy %s into %s: %w", path, ctrName, err)
	}
	return nil
}

// requireLocalEngine skips a test that reaches published ports on
// 127.0.0.1 when the engine is on another machine.
func (b *bed) requireLocalEngine() {
	if h := b.cli.DaemonHost(); !strings.HasPrefix(h, "unix://") {
		b.t.Skipf("the engine at %s may not publish ports on this machine's loopback", h)
	}
}

// hostPort returns the 127.0.0.1 port the engine published for port.
func (b *bed) hostPort(ctx context.Context, name, port string) string {
	b.t.Helper()
	res, err := b.cli.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, pb := range res.Container.NetworkSettings.Ports[network.MustParsePort(port)] {
		if pb.HostIP.Is4() {
			return pb.HostPort
		}
	}
	b.t.Fatalf("%s: port %s is not published", name, port)
	return ""
}

// wait waits for container name to exit and returns its exit code.
func (b *bed) wait(ctx context.Context, name string) int64 {
	b.t.Helper()
	w := b.cli.ContainerWait(ctx, name, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case res := <-w.Result:
		return res.StatusCode
	case err := <-w.Error:
		b.t.Fatalf("wait for %s: %v", name, err)
	}
	return -1
}

// logs returns a container's stdout and stderr.
func (b *bed) logs(ctx context.Context, name string) string {
	rc, err := b.cli.ContainerLogs(ctx, name, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return fmt.Sprintf("(no logs: %v)", err)
	}
	defer rc.Close()
	var out bytes.Buffer
	_, _ = stdcopy.StdCopy(&out, &out, rc)
	return out.String()
}

// cleanup removes the bed's containers, then its network.
func (b *bed) cleanup() {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.t.Context()), time.Minute)
	defer cancel()
	f := client.Filters{}.Add("label", bedLabel+"="+b.name)
	list, err := b.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		b.t.Errorf("clean up: list containers: %v", err)
		return
	}
	var errs []error
	for _, c := range list.Items {
		if _, err := b.cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	if b.net != "" {
		if _, err := b.cli.NetworkRemove(ctx, b.net, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		b.t.Errorf("clean up bed %s: %v", b.name, err)
	}
}

// buildBackend compiles testdata/backend for the engine's platform (taken
// to be this one) as a static binary and returns it.
func buildBackend(t *testing.T) []byte {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out := filepath.Join(t.TempDir(), "backend")
	cmd := exec.CommandContext(t.Context(), gobin, "build", "-trimpath", "-o", out, "./testdata/backend")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build testdata/backend: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readAll reads an HTTP body, trimmed.
func readAll(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return strings.TrimSpace(string(b))
}
