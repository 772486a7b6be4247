package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	"github.com/gazr-io/gazr/pkg/deploy/proxmox"
)

// interruptEnv are the script's variables the interrupted gazr gets, on
// top of the test's own environment.
var interruptEnv = []string{"HOME", "TMPDIR", "WORK", "PATH", "NO_COLOR", "XDG_CACHE_HOME", "PROJECT",
	"GAZR_EDGE_IMAGE", "GAZR_DEPLOYER", "PVE_TOKEN", "GAZR_SSH_CONFIG", "DOCKER_CONFIG"}

// interrupt CLONES gazr ARGS... — run gazr ARGS in the script's
// directory and send it SIGINT (Ctrl-C) once the fake PVE has CLONES
// more clone tasks than before; wait (up to 20 s) for it to exit, then
// copy its stdout and stderr to the script's and print, on stdout,
// "exit CODE <time> after SIGINT". A gazr that ends before the clones,
// or that does not exit, fails the command.
func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || args[1] != "gazr" {
		ts.Fatalf("usage: interrupt CLONES gazr ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	r := pveState(ts)
	clones := func() int {
		n := 0
		for _, tk := range r.bed.Fake.Tasks() {
			if tk.Type == "qmclone" {
				n++
			}
		}
		return n
	}
	before := clones()
	bin, err := exec.LookPath("gazr") // testscript's, on the test's PATH
	ts.Check(err)
	cmd := exec.Command(bin, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, k := range interruptEnv {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	ts.Check(cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	fail := func(format string, args ...any) {
		_ = cmd.Process.Kill()
		<-done
		ts.Fatalf("%s\nstdout:\n%s\nstderr:\n%s", fmt.Sprintf(format, args...), stdout.String(), stderr.String())
	}
	deadline := time.After(3 * time.Minute)
	for clones() < before+want {
		select {
		case err := <-done:
			ts.Fatalf("gazr ended (%v) before %d clone(s): %d\nstdout:\n%s\nstderr:\n%s", err, want, clones()-before, stdout.String(), stderr.String())
		case <-deadline:
			fail("%d clone(s) after 3 minutes, want %d", clones()-before, want)
		case <-time.After(20 * time.Millisecond):
		}
	}
	ts.Check(cmd.Process.Signal(syscall.SIGINT))
	t0 := time.Now()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		fail("gazr still runs 20 s after SIGINT")
	}
	took := time.Since(t0)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		ts.Fatalf("gazr: %v", err)
	}
	fmt.Fprint(ts.Stdout(), stdout.String())
	fmt.Fprint(ts.Stderr(), stderr.String())
	fmt.Fprintf(ts.Stdout(), "exit %d %s after SIGINT\n", code, took.Round(time.Millisecond))
	ts.Logf("TIMING gazr exited %s after SIGINT, %d clone task(s) started", took.Round(time.Millisecond), clones()-before)
}

// pvevms MANAGERS WORKERS — check the fake's VMs: MANAGERS manager VMs on
// as many distinct PVE nodes, WORKERS worker VMs, all running, no other
// VM but the templates (a VM a clone made twice, or left untagged, is
// one), and one clone task per VM; print one line per VM.
func cmdPVEVMs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: pvevms MANAGERS WORKERS")
	}
	wantM, err1 := strconv.Atoi(args[0])
	wantW, err2 := strconv.Atoi(args[1])
	if err1 != nil || err2 != nil {
		ts.Fatalf("pvevms: MANAGERS and WORKERS are numbers")
	}
	r := pveState(ts)
	managers, workers, all := r.envVMs(proxmox.TagManager), r.envVMs(proxmox.TagWorker), r.envVMs("")
	hosts := map[string]bool{}
	var errs []string
	for _, v := range all {
		role := "other"
		switch {
		case slices.ContainsFunc(managers, func(m pvefake.VM) bool { return m.VMID == v.VMID }):
			role = "manager"
			hosts[v.Node] = true
		case slices.ContainsFunc(workers, func(w pvefake.VM) bool { return w.VMID == v.VMID }):
			role = "worker"
		default:
			errs = append(errs, fmt.Sprintf("VM %d (%s, tags %v) is no VM of the env's", v.VMID, v.Name, v.Tags))
		}
		if v.Status != "running" {
			errs = append(errs, fmt.Sprintf("VM %d (%s) is %s", v.VMID, v.Name, v.Status))
		}
		fmt.Fprintf(ts.Stdout(), "VM %d %s %s on %s %s\n", v.VMID, v.Name, role, v.Node, v.Status)
	}
	clones := 0
	for _, tk := range r.bed.Fake.Tasks() {
		if tk.Type == "qmclone" {
			clones++
		}
	}
	fmt.Fprintf(ts.Stdout(), "%d managers on %d PVE nodes, %d workers, %d clone tasks\n", len(managers), len(hosts), len(workers), clones)
	if len(managers) != wantM || len(hosts) != wantM || len(workers) != wantW {
		errs = append(errs, fmt.Sprintf("%d managers on %d PVE nodes and %d workers; want %d managers on %d and %d workers", len(managers), len(hosts), len(workers), wantM, wantM, wantW))
	}
	if clones != len(all) {
		errs = append(errs, fmt.Sprintf("%d clone tasks for %d VMs: a VM was cloned twice", clones, len(all)))
	}
	if len(errs) > 0 {
		ts.Fatalf("pvevms: %s", strings.Join(errs, "; "))
	}
}

// pvelose SERVICE REPLICAS — lose the PVE node whose VMs run the most
// tasks of SERVICE (pvefake LoseNode: its VMs hard-stopped, a manager
// among them); then wait (up to 90 s) until the swarm sees its nodes
// down and REPLICAS tasks of SERVICE run on ready nodes again, check
// that a manager still answers (quorum), and print how long each took.
func cmdPVELose(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: pvelose SERVICE REPLICAS")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	r := pveState(ts)
	ctx := context.Background()
	placed, err := r.placement(ctx, args[0])
	ts.Check(err)
	host, lost := r.busiestPVENode(ts, placed)
	t0 := time.Now()
	ts.Check(r.bed.Fake.LoseNode(host))
	fmt.Fprintf(ts.Stdout(), "lost PVE node %s, its VMs hard-stopped (%d swarm nodes, %d of %d tasks of %s) in %s\n",
		host, len(lost), lost.tasks(), placed.running, args[0], time.Since(t0).Round(time.Millisecond))
	err = waitUntil(60*time.Second, func() error {
		p, err := r.placement(ctx, args[0])
		if err != nil {
			return err
		}
		for id := range lost {
			if p.ready[id] {
				return fmt.Errorf("node %s is still ready in the swarm", id)
			}
		}
		return nil
	})
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "its nodes down in the swarm %s after the loss\n", time.Since(t0).Round(time.Millisecond))
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
	fmt.Fprintf(ts.Stdout(), "%d tasks of %s run on ready nodes again %s after the loss\n", want, args[0], time.Since(t0).Round(time.Millisecond))
	m, err := r.manager()
	ts.Check(err)
	info, err := m.SwarmInspect(ctx, client.SwarmInspectOptions{})
	ts.Check(err)
	nodes, err := m.NodeList(ctx, client.NodeListOptions{Filters: client.Filters{}.Add("role", "manager")})
	ts.Check(err)
	reachable := 0
	for _, n := range nodes.Items {
		if n.ManagerStatus != nil && n.ManagerStatus.Reachability == "reachable" {
			reachable++
		}
	}
	fmt.Fprintf(ts.Stdout(), "quorum kept: swarm %s answers, %d of %d managers reachable\n", info.Swarm.ID[:12], reachable, len(nodes.Items))
}

// lostNodes are swarm node IDs, with the tasks each runs.
type lostNodes map[string]int

func (l lostNodes) tasks() int {
	n := 0
	for _, t := range l {
		n += t
	}
	return n
}

// busiestPVENode returns the PVE node whose VMs run the most tasks in p
// (ties: the first by name), and the swarm nodes of its VMs.
func (r *pveRun) busiestPVENode(ts *testscript.TestScript, p placement) (string, lostNodes) {
	m, err := r.manager()
	ts.Check(err)
	nodes, err := m.NodeList(context.Background(), client.NodeListOptions{})
	ts.Check(err)
	byAddr := map[string]string{} // swarm node ID by address
	for _, n := range nodes.Items {
		byAddr[n.Status.Addr] = n.ID
	}
	tasks := map[string]int{} // by swarm node ID
	for _, n := range p.nodes {
		tasks[n.id] = n.tasks
	}
	perHost := map[string]lostNodes{}
	var hosts []string
	for _, v := range r.envVMs("") {
		id, ok := byAddr[v.IP]
		if !ok || v.Status != "running" {
			continue
		}
		if perHost[v.Node] == nil {
			perHost[v.Node] = lostNodes{}
			hosts = append(hosts, v.Node)
		}
		perHost[v.Node][id] = tasks[id]
	}
	slices.Sort(hosts)
	best := ""
	for _, h := range hosts {
		if best == "" || perHost[h].tasks() > perHost[best].tasks() {
			best = h
		}
	}
	if best == "" {
		ts.Fatalf("pvelose: no running VM of the env is a swarm node")
	}
	return best, perHost[best]
}
