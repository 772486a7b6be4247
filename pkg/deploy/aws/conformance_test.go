package aws_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// testConformance runs the conformance suite against aws.New on the bed,
// skipping nothing, then checks that its chaos went through AWS and ssh
// (a stop and a start of instances, a worker's own engine reached over
// ssh), and brings the node StopNode left stopped back.
func testConformance(t *testing.T, fx *fixture) {
	f := fx.bed.Fake
	f.ResetCalls()
	deploytest.Run(t, deploytest.Harness{
		New: func(t *testing.T, o deploy.BackendOptions) (deploy.Backend, error) { return aws.New(o) },
		Env: func(t *testing.T) *config.Environment { return fx.env(t) },
	})
	if t.Failed() {
		return
	}
	for op, min := range map[string]int{
		// StopNode/Reschedules and StartNode/AfterStop each stop one, the
		// latter starts it again; ScaleNodes adds a worker and retires it.
		"StopInstances": 2, "StartInstances": 1,
		"SetDesiredCapacity": 1, "TerminateInstanceInAutoScalingGroup": 1,
		"GetAuthorizationToken": 1,
	} {
		if n := calls(f, op); n < min {
			t.Errorf("the fake answered %d %s; the suite's chaos and scaling through AWS make at least %d", n, op, min)
		}
	}
	checkWorkerReached(t, fx)
	restart(t, fx)
}

// checkWorkerReached checks that gazr ran ssh … docker system dial-stdio
// to a worker (StopTask/OtherNode: only that node's engine can kill its
// container; nothing else of the suite reaches a worker).
func checkWorkerReached(t *testing.T, fx *fixture) {
	t.Helper()
	log, err := os.ReadFile(fx.sshLog)
	if err != nil {
		t.Fatalf("the ssh wrapper's log: %v", err)
	}
	for _, in := range fx.bed.Fake.Instances() {
		if in.Tags["Name"] != fx.bed.WorkerName() {
			continue
		}
		for _, l := range strings.Split(string(log), "\n") {
			if strings.Contains(l, "@"+in.PrivateIP+" ") && strings.HasSuffix(l, "docker system dial-stdio") {
				t.Logf("a worker's engine reached: ssh %s", l)
				return
			}
		}
	}
	t.Errorf("gazr never ran ssh … docker system dial-stdio to a worker; ssh ran:\n%s", log)
}

// restart starts the instances the suite left stopped, through the
// backend, and waits until every node of the swarm is Ready.
func restart(t *testing.T, fx *fixture) {
	t.Helper()
	b := fx.backend(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	t0 := time.Now()
	for _, in := range fx.bed.Fake.Instances() {
		if in.State == awsfake.StateStopped || in.State == awsfake.StateStopping {
			if err := b.StartNode(ctx, in.ID); err != nil {
				t.Fatalf("StartNode(%s): %v", in.ID, err)
			}
		}
	}
	waitNodes(t, ctx, b, func(nodes []deploy.Node) error {
		ready := 0
		for _, n := range nodes {
			if n.Ready {
				ready++
			} else if n.Machine != deploy.MachineGone {
				return fmt.Errorf("node %s (%s) is not Ready", n.Hostname, n.Instance)
			}
		}
		if ready != 3 {
			return fmt.Errorf("%d nodes Ready, want 3", ready)
		}
		return nil
	})
	if _, err := b.PruneNodes(ctx); err != nil {
		t.Fatalf("PruneNodes: %v", err)
	}
	t.Logf("TIMING the stopped nodes back and Ready in %s", time.Since(t0).Round(time.Millisecond))
}

// waitNodes polls the backend's Nodes until ok accepts them.
func waitNodes(t *testing.T, ctx context.Context, b deploy.Backend, ok func([]deploy.Node) error) {
	t.Helper()
	var err error
	for {
		var nodes []deploy.Node
		if nodes, err = b.Nodes(ctx); err == nil {
			if err = ok(nodes); err == nil {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for the nodes: %v", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
