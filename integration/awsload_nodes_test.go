package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// instance stop|start ROLE INDEX — EC2 StopInstances (forced: an outage)
// or StartInstances of the INDEXth instance of ROLE (managers, workers;
// in the bed's node order), through the gazr-aws helper and the fake.
// instance wait ROLE INDEX STATE — wait (up to 60s) until it is in STATE.
func cmdInstance(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || len(args) > 4 {
		ts.Fatalf("usage: instance stop|start ROLE INDEX | instance wait ROLE INDEX STATE")
	}
	r := awsState(ts)
	i, err := strconv.Atoi(args[2])
	ts.Check(err)
	in := r.instance(ts, args[1], i)
	ctx := context.Background()
	switch {
	case args[0] == "stop" && len(args) == 3:
		_, err = r.call(ctx, awsproto.Request{Op: awsproto.OpStopInstances, InstanceIDs: []string{in.ID}, Force: true})
	case args[0] == "start" && len(args) == 3:
		_, err = r.call(ctx, awsproto.Request{Op: awsproto.OpStartInstances, InstanceIDs: []string{in.ID}})
	case args[0] == "wait" && len(args) == 4:
		err = waitUntil(60*time.Second, func() error {
			cur, _ := r.bed.Fake.Instance(in.ID)
			if cur.State != args[3] {
				return fmt.Errorf("instance %s is %s, want %s", in.ID, cur.State, args[3])
			}
			return nil
		})
	default:
		ts.Fatalf("usage: instance stop|start ROLE INDEX | instance wait ROLE INDEX STATE")
	}
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "instance %s (%s %d, %s): %s %s\n", in.ID, args[1], i, in.PrivateIP, args[0], strings.Join(args[3:], " "))
}

// instance returns the ith instance of role not terminated, in the
// order of the bed's nodes.
func (r *awsRun) instance(ts *testscript.TestScript, role string, i int) awsfake.Instance {
	name := map[string]string{"managers": r.bed.ManagerName(), "workers": r.bed.WorkerName()}[role]
	if name == "" {
		ts.Fatalf("instance: role %q: want managers or workers", role)
	}
	var ins []awsfake.Instance
	idx := map[string]int{}
	for _, in := range r.bed.Fake.Instances() {
		if n, ok := r.bed.Node(in.ID); ok && in.Tags["Name"] == name && in.State != awsfake.StateTerminated {
			ins = append(ins, in)
			idx[in.ID] = n.Index
		}
	}
	slices.SortFunc(ins, func(a, b awsfake.Instance) int { return idx[a.ID] - idx[b.ID] })
	if i < 0 || i >= len(ins) {
		ts.Fatalf("instance: no %s %d (%d instances)", role, i, len(ins))
	}
	return ins[i]
}

// call runs one request of the gazr-aws helper on the bed's groups.
func (r *awsRun) call(ctx context.Context, req awsproto.Request) (awsproto.Response, error) {
	req.Target = awsproto.Target{Region: r.bed.Region(), EndpointURL: r.bed.URL,
		Managers: awsproto.Selector{ASG: r.bed.ManagersGroup()}, Workers: awsproto.Selector{ASG: r.bed.WorkersGroup()}}
	return (&aws.ExecCaller{Path: r.helper}).Call(ctx, req)
}

// stopnode SERVICE REPLICAS — StopNode, through the aws backend, of the
// worker running the most tasks of SERVICE; then wait (up to 90s) until
// REPLICAS of its tasks run on ready nodes again, and print how long it
// took.
func cmdStopNode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: stopnode SERVICE REPLICAS")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	r := awsState(ts)
	ctx := context.Background()
	placed, err := r.placement(ctx, args[0])
	ts.Check(err)
	var victim taskNode
	for _, n := range placed.nodes {
		if !n.manager && n.tasks > victim.tasks {
			victim = n
		}
	}
	if victim.tasks == 0 {
		ts.Fatalf("stopnode: no worker runs a task of %s (%s)", args[0], placed)
	}
	b, err := aws.NewWith(deploy.BackendOptions{Env: r.bed.Env(), Log: ts.Stdout()}, &aws.ExecCaller{Path: r.helper})
	ts.Check(err)
	t0 := time.Now()
	ts.Check(b.StopNode(ctx, victim.id))
	fmt.Fprintf(ts.Stdout(), "stopped node %s, which ran %d of %d tasks of %s, in %s\n", victim.host, victim.tasks, placed.running, args[0], time.Since(t0).Round(time.Millisecond))
	err = waitUntil(60*time.Second, func() error { // the swarm sees it down
		p, err := r.placement(ctx, args[0])
		if err != nil {
			return err
		}
		if p.ready[victim.id] {
			return fmt.Errorf("node %s is still ready in the swarm", victim.host)
		}
		return nil
	})
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "node %s down in the swarm %s after the stop\n", victim.host, time.Since(t0).Round(time.Millisecond))
	err = waitUntil(90*time.Second, func() error {
		p, err := r.placement(ctx, args[0])
		if err != nil {
			return err
		}
		if p.onReady != want {
			return fmt.Errorf("%d tasks of %s run on ready nodes, want %d (%s)", p.onReady, args[0], want, p)
		}
		return nil
	})
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%d tasks of %s run on ready nodes again %s after the stop\n", want, args[0], time.Since(t0).Round(time.Millisecond))
}

// sshkey FILE — write an ssh_config like the bed's, with a key of its
// own that no node authorizes.
func cmdSSHKey(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sshkey FILE")
	}
	r := awsState(ts)
	cfg, err := os.ReadFile(r.bed.Swarm.SSHConfig)
	ts.Check(err)
	key := filepath.Join(ts.Getenv("WORK"), "wrong_ed25519")
	out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput()
	if err != nil {
		ts.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(cfg), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "IdentityFile" {
			l = "    IdentityFile " + key
		}
		lines = append(lines, l)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Join(lines, "\n")), 0o600))
}
