package swarmbed_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// TestStartFailureCleansUp starts a bed whose node image runs no engine
// (busybox's CMD is a shell that exits at once): Start fails soon, saying
// why, and leaves nothing labelled behind.
func TestStartFailureCleansUp(t *testing.T) {
	t.Parallel()
	host := hostEngine(t, busybox)
	name := fmt.Sprintf("gazr-swarmbed-fail-%d", time.Now().UnixNano())
	t0 := time.Now()
	b, err := swarmbed.Start(t.Context(), swarmbed.Options{Name: name, Image: busybox, Nodes: 2, Logf: t.Logf})
	if err == nil {
		b.Close(t.Context())
		t.Fatal("Start with a node image that runs no engine succeeded")
	}
	if !strings.Contains(err.Error(), "exited") {
		t.Errorf("Start: %v; want it to say the node container exited", err)
	}
	if d := time.Since(t0); d > 30*time.Second {
		t.Errorf("Start took %s to fail; want it to notice the exited containers", d)
	}
	f := client.Filters{}.Add("label", swarmbed.Label+"="+name)
	cs, err := host.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := host.VolumeList(t.Context(), client.VolumeListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := host.NetworkList(t.Context(), client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Items)+len(vs.Items)+len(ns.Items) > 0 {
		t.Fatalf("left behind: %d containers, %d volumes, %d networks", len(cs.Items), len(vs.Items), len(ns.Items))
	}
}

// TestCleanup removes the objects of a bed whose owner process is gone and
// leaves those of a live one.
func TestCleanup(t *testing.T) {
	t.Parallel()
	host := hostEngine(t)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	hostname, _ := os.Hostname()
	stamp := time.Now().UnixNano()
	dead := fmt.Sprintf("gazr-swarmbed-dead-%d", stamp)
	live := fmt.Sprintf("gazr-swarmbed-live-%d", stamp)
	mk := func(name, owner string) {
		labels := map[string]string{swarmbed.Label: name, swarmbed.LabelOwner: owner}
		if _, err := host.VolumeCreate(t.Context(), client.VolumeCreateOptions{Name: name, Labels: labels}); err != nil {
			t.Fatal(err)
		}
		if _, err := host.NetworkCreate(t.Context(), name, client.NetworkCreateOptions{Labels: labels}); err != nil {
			t.Fatal(err)
		}
	}
	mk(dead, fmt.Sprintf("%s/%d", hostname, gone.Process.Pid))
	// The ssh key pair of a bed with Options.SSH.
	deadSSH, err := os.MkdirTemp("", dead+".ssh-*")
	if err != nil {
		t.Fatal(err)
	}
	mk(live, fmt.Sprintf("%s/%d", hostname, os.Getpid()))
	t.Cleanup(func() {
		host.VolumeRemove(context.Background(), live, client.VolumeRemoveOptions{})
		host.NetworkRemove(context.Background(), live, client.NetworkRemoveOptions{})
	})

	if err := swarmbed.Cleanup(t.Context(), host); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(deadSSH); !os.IsNotExist(err) {
		os.RemoveAll(deadSSH)
		t.Errorf("the dead bed's ssh directory after Cleanup: %v; want it gone", err)
	}
	for name, want := range map[string]bool{dead: false, live: true} {
		_, verr := host.VolumeInspect(t.Context(), name, client.VolumeInspectOptions{})
		_, nerr := host.NetworkInspect(t.Context(), name, client.NetworkInspectOptions{})
		if (verr == nil) != want || (nerr == nil) != want {
			t.Errorf("%s: volume err %v, network err %v; want present=%v", name, verr, nerr, want)
		}
	}
}
