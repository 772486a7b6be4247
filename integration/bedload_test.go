package integration

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/load"
)

// bedRun is what the load scripts on a bed of a machine backend (the AWS
// bed, the Proxmox bed) share, whatever the backend: a manager of the
// bed's swarm, the balancer in front of the managers' edges, the load
// loop and its figures. Its commands (lb, tasks, history) find it under
// bedKey in the scripts' values; the variables APP_HOST (the routed
// service's host), APP_SERVICE (its swarm service) and EDGE_SERVICE say
// what they measure.
type bedRun struct {
	// manager returns a client of a manager of the bed's swarm that
	// answers; the bed owns it (not closed).
	manager func() (*client.Client, error)
	lb      *balancer
	// scriptStart is when the running script started.
	scriptStart time.Time

	mu      sync.Mutex
	loop    *load.Loop
	maxFail map[string]int // by phase; -1: counted only
	marks   []int64        // the balancer's Redispatched as each phase began, and at the end
	figures []string
}

type bedKey struct{}

func bedState(ts *testscript.TestScript) *bedRun { return ts.Value(bedKey{}).(*bedRun) }

// bedCmds are the commands of the load scripts: the deploy scripts'
// (testapp, git-commit, http…) but those using the local engine or
// deploySetup's state, and lb, tasks and history.
func bedCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := deployCmds()
	for _, name := range []string{"load", "specs", "services", "waitlock", "registry", "inswarm", "noswarm", "nosecret", "svcenv"} {
		delete(cmds, name)
	}
	cmds["lb"] = cmdLB
	cmds["tasks"] = cmdTasks
	cmds["history"] = cmdHistory
	return cmds
}

// lb start PHASE MAXFAIL — wait until the balancer has a healthy target,
// then start a load loop (4 clients) through it at $APP_HOST, its first
// phase named PHASE.
// lb phase PHASE MAXFAIL — end the current phase, start PHASE.
// lb stop [BODY...] — stop the loop, print each phase's figures and
// fail when a phase had more than its MAXFAIL failed requests ("-":
// counted only) or when a BODY was never answered.
func cmdLB(ts *testscript.TestScript, neg bool, args []string) {
	r := bedState(ts)
	if neg || len(args) == 0 {
		ts.Fatalf("usage: lb start PHASE MAXFAIL | lb phase PHASE MAXFAIL | lb stop [BODY...]")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case args[0] == "start" && len(args) == 3 && r.loop == nil:
		ts.Check(r.lb.Healthy(1, time.Minute))
		r.maxFail, r.marks = map[string]int{}, nil
		r.setMax(ts, args[1], args[2])
		r.loop = load.StartWith(context.Background(), r.lb.URL(), ts.Getenv("APP_HOST"), load.Options{Workers: 4, Phase: args[1]})
	case args[0] == "phase" && len(args) == 3 && r.loop != nil:
		r.setMax(ts, args[1], args[2])
		r.loop.Phase(args[1])
	case args[0] == "stop" && r.loop != nil:
		s := r.loop.Stop()
		r.loop = nil
		r.marks = append(r.marks, r.lb.Redispatched.Load())
		r.checkPhases(ts, s, args[1:])
	default:
		ts.Fatalf("usage: lb start PHASE MAXFAIL | lb phase PHASE MAXFAIL | lb stop [BODY...] (a loop runs: %v)", r.loop != nil)
	}
}

// setMax records a phase's MAXFAIL, and the balancer's redispatch count
// when it starts.
func (r *bedRun) setMax(ts *testscript.TestScript, phase, max string) {
	r.marks = append(r.marks, r.lb.Redispatched.Load())
	if max == "-" {
		r.maxFail[phase] = -1
		return
	}
	n, err := strconv.Atoi(max)
	ts.Check(err)
	r.maxFail[phase] = n
}

// checkPhases prints and records each phase's figures, then checks them.
func (r *bedRun) checkPhases(ts *testscript.TestScript, s load.Stats, want []string) {
	var failed []string
	for i, p := range s.Phases {
		line := fmt.Sprintf("LOAD %s: %d requests, %d failed, in %s (%.0f req/s, slowest %s); bodies %s; %d sent to another edge by the balancer after a refused connection",
			p.Name, p.Requests, p.Failed, p.Took.Round(time.Millisecond), float64(p.Requests)/p.Took.Seconds(),
			p.Slowest.Round(time.Millisecond), bodies(p.Bodies), r.marks[i+1]-r.marks[i])
		fmt.Fprintln(ts.Stdout(), line)
		r.figures = append(r.figures, line)
		for _, e := range p.Errors {
			fmt.Fprintf(ts.Stdout(), "load error (%s): %s\n", p.Name, e)
		}
		if max := r.maxFail[p.Name]; max >= 0 && p.Failed > max {
			failed = append(failed, fmt.Sprintf("%s: %d of %d requests failed (at most %d allowed)", p.Name, p.Failed, p.Requests, max))
		}
		if p.Requests == 0 {
			failed = append(failed, p.Name+": no request was sent")
		}
	}
	for _, b := range want {
		if s.Bodies[b] == 0 {
			failed = append(failed, fmt.Sprintf("no response said %q", b))
		}
	}
	if len(failed) > 0 {
		for _, svc := range []string{ts.Getenv("EDGE_SERVICE"), ts.Getenv("APP_SERVICE")} {
			for _, l := range r.taskHistory(context.Background(), svc) {
				fmt.Fprintf(ts.Stdout(), "%s: %s\n", svc, l)
			}
		}
		ts.Fatalf("lb: %s", strings.Join(failed, "; "))
	}
}

func bodies(m map[string]int) string {
	var out []string
	for _, b := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("%q ×%d", b, m[b]))
	}
	return strings.Join(out, ", ")
}

// stopLoop stops a loop a failed script left running.
func (r *bedRun) stopLoop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loop != nil {
		r.loop.Stop()
		r.loop = nil
	}
}

// report logs the figures of every load phase, and the whole test's time
// since t0.
func (r *bedRun) report(t *testing.T, t0 time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.figures {
		t.Log(f)
	}
	t.Logf("TIMING %s (bed start to scripts' end, before the bed's removal): %s", t.Name(), time.Since(t0).Round(time.Millisecond))
}

// tasks SERVICE REPLICAS MINNODES — wait (up to 60s) until REPLICAS tasks
// of SERVICE run, on at least MINNODES nodes, and print one line per task:
// "task on <hostname> <role>".
func cmdTasks(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: tasks SERVICE REPLICAS MINNODES")
	}
	want, err1 := strconv.Atoi(args[1])
	minNodes, err2 := strconv.Atoi(args[2])
	if err1 != nil || err2 != nil {
		ts.Fatalf("tasks: REPLICAS and MINNODES are numbers")
	}
	r := bedState(ts)
	var p placement
	err := waitUntil(60*time.Second, func() error {
		var err error
		if p, err = r.placement(context.Background(), args[0]); err != nil {
			return err
		}
		if p.running != want || len(p.nodes) < minNodes {
			return fmt.Errorf("%s: %s; want %d on at least %d nodes", args[0], p, want, minNodes)
		}
		return nil
	})
	ts.Check(err)
	for _, n := range p.nodes {
		role := "worker"
		if n.manager {
			role = "manager"
		}
		for range n.tasks {
			fmt.Fprintf(ts.Stdout(), "task on %s %s\n", n.host, role)
		}
	}
	for _, e := range p.errs {
		fmt.Fprintf(ts.Stdout(), "task that did not run: %s\n", e)
	}
}

func waitUntil(timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(250 * time.Millisecond)
	}
}
