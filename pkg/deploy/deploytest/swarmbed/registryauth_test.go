package swarmbed_test

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// testRegistryAuth pushes from the host engine to the bed's registry at
// 127.0.0.1:<port> with its login, sees a wrong and then an old password
// refused, and pulls on node w (through its forwarder) with the login.
func testRegistryAuth(t *testing.T, b *swarmbed.Bed, host *client.Client, w swarmbed.Node) {
	ref := b.RegistryAddr + "/x:1"
	if _, err := host.ImageTag(t.Context(), client.ImageTagOptions{Source: busybox, Target: ref}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		host.ImageRemove(ctx, ref, client.ImageRemoveOptions{})
	})
	user, pw := b.RegistryLogin()
	if user == "" || pw == "" {
		t.Fatalf("RegistryLogin: %q %q; want the first login", user, pw)
	}
	if err := push(t, host, ref, auth(t, b.RegistryAddr, user, "wrong")); err == nil {
		t.Fatal("push with a wrong password succeeded")
	} else {
		t.Logf("push with a wrong password: %s", firstLine(err.Error()))
	}
	if err := push(t, host, ref, auth(t, b.RegistryAddr, user, pw)); err != nil {
		t.Fatalf("push with the login: %v", err)
	}

	t0 := time.Now()
	if err := b.SetRegistryPassword(t.Context(), "AWS", "token-2"); err != nil {
		t.Fatal(err)
	}
	t.Logf("TIMING SetRegistryPassword: %s", time.Since(t0).Round(time.Millisecond))
	if err := push(t, host, ref, auth(t, b.RegistryAddr, user, pw)); err == nil {
		t.Fatal("push with the old login succeeded")
	}
	if err := push(t, host, ref, auth(t, b.RegistryAddr, "AWS", "token-2")); err != nil {
		t.Fatalf("push with the new login: %v", err)
	}

	c, err := b.Client(w.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := pull(t, c, ref, auth(t, b.RegistryAddr, "AWS", "nope")); err == nil {
		t.Fatal("pull on a node with a wrong password succeeded")
	}
	if err := pull(t, c, ref, auth(t, b.RegistryAddr, "AWS", "token-2")); err != nil {
		t.Fatalf("pull on node %s with the login: %v", w.Name, err)
	}
	if _, err := c.ImageInspect(t.Context(), ref); err != nil {
		t.Fatalf("node %s after the pull: %v", w.Name, err)
	}
}

func push(t *testing.T, c *client.Client, ref, auth string) error {
	t.Helper()
	res, err := c.ImagePush(t.Context(), ref, client.ImagePushOptions{RegistryAuth: auth})
	if err != nil {
		return err
	}
	return res.Wait(t.Context())
}

func pull(t *testing.T, c *client.Client, ref, auth string) error {
	t.Helper()
	res, err := c.ImagePull(t.Context(), ref, client.ImagePullOptions{RegistryAuth: auth})
	if err != nil {
		return err
	}
	return res.Wait(t.Context())
}
