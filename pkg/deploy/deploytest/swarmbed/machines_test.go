package swarmbed_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// TestMachines runs a bed of machines through what the AWS bed does with
// them: sshd on every node, a node added and joined, the registry behind
// basic auth reached by one name from the host and the nodes, a node
// removed as an instance is terminated.
func TestMachines(t *testing.T) {
	t.Parallel()
	host := hostEngine(t, swarmbed.SSHImage)
	b := startBed(t, swarmbed.Options{Nodes: 1, SSH: true, RegistryAuth: true, Images: []string{busybox}})
	if b.SSHConfig == "" || !strings.HasPrefix(b.RegistryAddr, "127.0.0.1:") {
		t.Fatalf("SSHConfig %q, RegistryAddr %q: want a file and 127.0.0.1:<port>", b.SSHConfig, b.RegistryAddr)
	}

	t.Run("ssh", func(t *testing.T) { testSSH(t, b, b.Nodes[0]) })

	var w swarmbed.Node
	t.Run("add and join", func(t *testing.T) {
		t0 := time.Now()
		var err error
		if w, err = b.AddNode(t.Context(), false); err != nil {
			t.Fatal(err)
		}
		t.Logf("TIMING add node (engine up, busybox loaded): %s", time.Since(t0).Round(time.Millisecond))
		if w.Index != 1 || w.Addr == b.Nodes[0].Addr {
			t.Fatalf("added %+v: want index 1 and an address of its own", w)
		}
		if n := nodeCount(t, b); n != 1 {
			t.Fatalf("the swarm has %d nodes after AddNode; want 1: a node joins only when asked", n)
		}
		t1 := time.Now()
		if err := b.Join(t.Context(), w.Index, false); err != nil {
			t.Fatal(err)
		}
		t.Logf("TIMING join until Ready: %s", time.Since(t1).Round(time.Millisecond))
		if n := nodeCount(t, b); n != 2 {
			t.Fatalf("the swarm has %d nodes after Join; want 2", n)
		}
		testSSH(t, b, w)
	})

	t.Run("registry auth", func(t *testing.T) { testRegistryAuth(t, b, host, w) })

	t.Run("remove", func(t *testing.T) {
		id := b.NodeList()[w.Index].ID
		if err := b.RemoveNode(t.Context(), w.Name); err != nil {
			t.Fatal(err)
		}
		if _, err := host.ContainerInspect(t.Context(), w.Name, client.ContainerInspectOptions{}); !cerrdefs.IsNotFound(err) {
			t.Errorf("container %s after RemoveNode: %v; want not found", w.Name, err)
		}
		if _, err := host.VolumeInspect(t.Context(), w.Name+"-docker", client.VolumeInspectOptions{}); !cerrdefs.IsNotFound(err) {
			t.Errorf("volume of %s after RemoveNode: %v; want not found", w.Name, err)
		}
		if _, err := b.Client(w.Index); err == nil {
			t.Error("Client of a removed node: no error")
		}
		waitNode(t, b, w.Index, swarm.NodeStateDown, time.Minute)
		if id == "" {
			t.Fatal("the joined node had no swarm ID")
		}
	})
}

// testSSH logs in to node n with the bed's ssh_config and speaks to its
// engine through `docker system dial-stdio`, as gazr does.
func testSSH(t *testing.T, b *swarmbed.Bed, n swarmbed.Node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, "ssh", "-F", b.SSHConfig, "-o", "BatchMode=yes", "root@"+n.Addr, "docker", "system", "dial-stdio")
	cmd.Stdin = strings.NewReader("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh root@%s docker system dial-stdio: %v: %s", n.Addr, err, stderr.String())
	}
	status, _, _ := strings.Cut(string(out), "\r\n")
	if status != "HTTP/1.1 200 OK" || !strings.HasSuffix(string(out), "OK") {
		t.Fatalf("GET /_ping over ssh: %q", out)
	}
	t.Logf("TIMING ssh + dial-stdio + _ping on %s: %s", n.Name, time.Since(t0).Round(time.Millisecond))

	// A password is never asked for (and there is none): a wrong key fails.
	cmd = exec.CommandContext(ctx, "ssh", "-F", os.DevNull, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-i", os.DevNull, "root@"+n.Addr, "true")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "Permission denied") {
		t.Errorf("ssh without the bed's key: %v %s; want Permission denied", err, out)
	}
}

func nodeCount(t *testing.T, b *swarmbed.Bed) int {
	t.Helper()
	res, err := manager(t, b).NodeList(t.Context(), client.NodeListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Items)
}

// auth is an X-Registry-Auth header value.
func auth(t *testing.T, server, user, password string) string {
	t.Helper()
	j, err := json.Marshal(registry.AuthConfig{Username: user, Password: password, ServerAddress: server})
	if err != nil {
		t.Fatal(err)
	}
	return base64.URLEncoding.EncodeToString(j)
}

// firstLine is the first line of s, for short messages.
func firstLine(s string) string {
	line, _ := bufio.NewReader(strings.NewReader(s)).ReadString('\n')
	return strings.TrimSpace(line)
}
