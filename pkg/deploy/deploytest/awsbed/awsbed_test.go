package awsbed_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsbed"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

const busybox = "gazr-test/busybox:1"

// TestBed runs a bed of one manager and one worker through the life the
// aws backend's tests give it: ssh to the manager, the instances listed,
// a worker launched by the group that joins by itself, its termination
// leaving a Down node that the next joining manager removes, and ECR's
// token as the registry's password.
func TestBed(t *testing.T) {
	host := enginetest.Connect(t, swarmbed.SSHImage, swarmbed.RegistryImage, busybox)
	t0 := time.Now()
	b, err := awsbed.Start(t.Context(), awsbed.Options{Managers: 1, Workers: 1, Images: []string{busybox}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("TIMING bed start (1 manager, 1 worker): %s", time.Since(t0).Round(time.Millisecond))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})

	t.Run("env", func(t *testing.T) { testEnv(t, b) })
	t.Run("instances", func(t *testing.T) {
		ins := live(b.Fake.Instances())
		if len(ins) != 2 {
			t.Fatalf("%d instances: %+v; want 2", len(ins), ins)
		}
		for _, in := range ins {
			n, ok := b.Node(in.ID)
			if in.State != awsfake.StateRunning || in.Tags["Init"] != "true" || !ok || in.Tags["Hostname"] != n.Name || in.PrivateIP != n.Addr {
				t.Errorf("instance %+v (node %+v): want running, Init=true, the node's hostname and address", in, n)
			}
		}
	})
	t.Run("ssh to the manager", func(t *testing.T) {
		m := tagged(b.Fake.Instances(), b.ManagerName())
		if len(m) != 1 {
			t.Fatalf("managers: %+v", m)
		}
		out, err := exec.CommandContext(t.Context(), "ssh", "-F", b.Swarm.SSHConfig, "-o", "BatchMode=yes",
			"root@"+m[0].PrivateIP, "docker", "info", "--format", "{{.Swarm.ControlAvailable}}").CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "true" {
			t.Fatalf("ssh root@%s docker info: %v %s; want a manager", m[0].PrivateIP, err, out)
		}
	})

	var launched awsfake.Instance
	t.Run("scale out", func(t *testing.T) {
		t0 := time.Now()
		if err := b.Fake.SetDesired(b.WorkersGroup(), 2); err != nil {
			t.Fatal(err)
		}
		launched = waitJoined(t, b, b.WorkerName(), 2)
		t.Logf("TIMING worker launch + join (desired 1 → 2 until tagged Init=true): %s", time.Since(t0).Round(time.Millisecond))
		waitNodes(t, b, func(nodes []swarm.Node) error { return ready(nodes, 3, launched.Tags["Hostname"]) })
	})

	t.Run("terminate and prune", func(t *testing.T) {
		if launched.ID == "" {
			t.Skip("no instance launched")
		}
		if err := b.Fake.SetDesired(b.WorkersGroup(), 1); err != nil { // newest first: the one launched
			t.Fatal(err)
		}
		host := launched.Tags["Hostname"]
		waitNodes(t, b, func(nodes []swarm.Node) error {
			if st := state(nodes, host); st != swarm.NodeStateDown {
				return fmt.Errorf("node %s is %q, want down", host, st)
			}
			return nil
		})
		if in, _ := b.Fake.Instance(launched.ID); in.State != awsfake.StateTerminated {
			t.Fatalf("instance %s is %s, want terminated", in.ID, in.State)
		}
		t0 := time.Now()
		if err := b.Fake.SetDesired(b.ManagersGroup(), 2); err != nil {
			t.Fatal(err)
		}
		m := waitJoined(t, b, b.ManagerName(), 2)
		t.Logf("TIMING manager launch + join + prune: %s", time.Since(t0).Round(time.Millisecond))
		waitNodes(t, b, func(nodes []swarm.Node) error {
			if st := state(nodes, host); st != "" {
				return fmt.Errorf("node %s of the terminated instance is still there (%s)", host, st)
			}
			return ready(nodes, 3, m.Tags["Hostname"])
		})
	})

	t.Run("ecr", func(t *testing.T) { testECR(t, b, host) })
}

func testEnv(t *testing.T, b *awsbed.Bed) {
	env := b.Env()
	if env == nil || env.Backend != "aws" || env.AWS == nil {
		t.Fatalf("Env: %+v; want backend aws with an aws table\n%s", env, b.EnvTOML())
	}
	a := env.AWS
	if a.EndpointURL != b.URL || a.SSHUser != "root" || a.Registry != "ecr" || a.Region != b.Region() ||
		a.Managers == nil || a.Managers.ASG != b.ManagersGroup() || a.Workers == nil || a.Workers.ASG != b.WorkersGroup() {
		t.Fatalf("Env's aws table: %+v", a)
	}
	if !slices.Contains(b.Environ(), "GAZR_SSH_CONFIG="+b.Swarm.SSHConfig) {
		t.Fatalf("Environ: %q; want GAZR_SSH_CONFIG", b.Environ())
	}
}

// testECR pushes from the host with ECR's token, and sees the token
// refused once expired, and the next one taken.
func testECR(t *testing.T, b *awsbed.Bed, host *client.Client) {
	ref := b.Swarm.RegistryAddr + "/awsbed/x:1"
	if _, err := host.ImageTag(t.Context(), client.ImageTagOptions{Source: busybox, Target: ref}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.ImageRemove(context.Background(), ref, client.ImageRemoveOptions{}) })
	user, old, _ := b.Fake.Token()
	if err := push(t, host, ref, user, old); err != nil {
		t.Fatalf("push with ECR's token: %v", err)
	}
	b.Fake.ExpireToken()
	if err := push(t, host, ref, user, old); err == nil {
		t.Fatal("push with an expired token succeeded")
	}
	_, pw, _ := b.Fake.Token()
	if err := push(t, host, ref, user, pw); err != nil {
		t.Fatalf("push with the new token: %v", err)
	}
}

func push(t *testing.T, c *client.Client, ref, user, password string) error {
	t.Helper()
	j, _ := json.Marshal(registry.AuthConfig{Username: user, Password: password})
	res, err := c.ImagePush(t.Context(), ref, client.ImagePushOptions{RegistryAuth: base64.URLEncoding.EncodeToString(j)})
	if err != nil {
		return err
	}
	return res.Wait(t.Context())
}
