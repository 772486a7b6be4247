package integration

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/schedule"
)

// clock TIME — start the test clock of every gazr the script runs (and of
// the agents its deploys install) at TIME (RFC 3339), running at real
// speed from now.
func cmdClock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: clock TIME")
	}
	if _, err := time.Parse(time.RFC3339, args[0]); err != nil {
		ts.Fatalf("clock: %v", err)
	}
	ts.Setenv(schedule.ClockEnv, args[0]+"@"+strconv.FormatInt(time.Now().Unix(), 10))
}

// replicas SERVICE N TIMEOUT — wait until the swarm service SERVICE is
// set to N replicas and runs N tasks, for at most TIMEOUT; log when.
func cmdReplicas(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replicas SERVICE N TIMEOUT")
	}
	want, err := strconv.ParseUint(args[1], 10, 64)
	ts.Check(err)
	timeout, err := time.ParseDuration(args[2])
	ts.Check(err)
	cli := engine(ts)
	defer cli.Close()
	ctx := context.Background()
	start, last := time.Now(), ""
	for time.Since(start) < timeout {
		last = replicasOf(ctx, cli, args[0], want)
		if last == "" {
			ts.Logf("%s: %d replicas running after %s", args[0], want, time.Since(start).Round(100*time.Millisecond))
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	ts.Fatalf("%s: not %d replicas after %s: %s", args[0], want, timeout, last)
}

// replicasOf says how service differs from want replicas, "" when it
// does not.
func replicasOf(ctx context.Context, cli *client.Client, service string, want uint64) string {
	res, err := cli.ServiceInspect(ctx, service, client.ServiceInspectOptions{})
	if err != nil {
		return err.Error()
	}
	r := res.Service.Spec.Mode.Replicated
	if r == nil || r.Replicas == nil || *r.Replicas != want {
		return fmt.Sprintf("spec %v", r)
	}
	tasks, err := cli.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", service).Add("desired-state", "running")})
	if err != nil {
		return err.Error()
	}
	n := uint64(0)
	for _, t := range tasks.Items {
		if t.Status.State == swarm.TaskStateRunning {
			n++
		}
	}
	if n != want {
		return fmt.Sprintf("%d running", n)
	}
	return ""
}

// killtask SERVICE — kill (SIGKILL) the container of the swarm service
// SERVICE's first running task, on this engine.
func cmdKillTask(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: killtask SERVICE")
	}
	cli := engine(ts)
	defer cli.Close()
	ctx := context.Background()
	tasks, err := cli.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", args[0]).Add("desired-state", "running")})
	ts.Check(err)
	for _, t := range tasks.Items {
		if cs := t.Status.ContainerStatus; t.Status.State == swarm.TaskStateRunning && cs != nil && cs.ContainerID != "" {
			_, err := cli.ContainerKill(ctx, cs.ContainerID, client.ContainerKillOptions{Signal: "SIGKILL"})
			ts.Check(err)
			return
		}
	}
	ts.Fatalf("killtask: no running task of %s", args[0])
}

// waithistory ENV REGEXP TIMEOUT — wait until a record of the project's
// env ENV, written "KIND RESULT BY MESSAGE", matches REGEXP, for at most
// TIMEOUT.
func cmdWaitHistory(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: waithistory ENV REGEXP TIMEOUT")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	timeout, err := time.ParseDuration(args[2])
	ts.Check(err)
	cli := engine(ts)
	defer cli.Close()
	ns := deploy.Namespace(state(ts).project, args[0])
	start := time.Now()
	for time.Since(start) < timeout {
		records, err := deploy.History(context.Background(), cli, ns)
		ts.Check(err)
		for _, r := range records {
			if line := strings.Join([]string{r.Kind, r.Result, r.By, r.Message}, " "); re.MatchString(line) {
				ts.Logf("after %s: %s", time.Since(start).Round(100*time.Millisecond), line)
				return
			}
		}
		time.Sleep(time.Second)
	}
	ts.Fatalf("waithistory: no record of %s matches %q after %s", ns, args[1], timeout)
}
