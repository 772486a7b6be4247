// Command deploybench measures gazr's deploys on the local engine's swarm
// and prints the figures (never asserted): first deploy, a no-op redeploy
// against `docker stack deploy` of the same unchanged stack (the peer),
// rollouts of 3 replicas, a failing version rolled back, gazr rollback,
// and the failed requests of each scenario through the edge.
//
// The rollouts (-rollouts of them, v2 first) are set against swarm's own
// convergence of the same update, read from the service's UpdateStatus
// (CompletedAt - StartedAt): each prints gazr's whole deploy, the part
// before the swarm update started (build, push, config), the convergence,
// and the time from CompletedAt to gazr's return, split into gazr's
// polling (until it prints the converged state), the edge, history record
// and lock (until its result line), and exit. The goal: gazr's time from
// the update request (StartedAt) to its return is <= 1.1 x the
// convergence. The peer: after each gazr rollout, `docker service update
// --detach=false --image` of the same service (so the same update config)
// to the image gazr replaced and back, under the same load.
//
//	go run ./integration/bench/deploybench -gazr ./dist/gazr
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/load"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/testapp"
)

var (
	gazr  = flag.String("gazr", "gazr", "the gazr binary")
	port  = flag.Int("edge-port", 18181, "edge port")
	runs  = flag.Int("runs", 5, "runs of the no-op redeploys")
	nroll = flag.Int("rollouts", 3, "gazr rollouts (each followed by two docker service updates)")
	image = flag.String("edge-image", "gazr-test/haproxy:2.6", "edge image")
)

func main() {
	flag.Parse()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGPIPE)
	go func() {
		<-sig
		cleanup()
		os.Exit(130)
	}()
	dir, err := os.MkdirTemp("", "deploybench")
	check(err)
	defer os.RemoveAll(dir)
	defer cleanup()
	check(testapp.Write(dir, "v1"))
	check(os.WriteFile(filepath.Join(dir, ".gazr.toml"), []byte(fmt.Sprintf("name = \"bench\"\n[env.local]\nedge_port = %d\n", *port)), 0o644))
	git(dir, "init", "-q")
	commit(dir, "v1")

	fmt.Printf("first deploy (build + rollout of 3 replicas): %s\n", timed(dir, "deploy"))
	noop := median(*runs, func() time.Duration { return timed(dir, "deploy") })
	peer := peerNoop(dir)
	fmt.Printf("unchanged redeploy: gazr %s, docker stack deploy %s, ratio %.2f (median of %d)\n", noop, peer, float64(noop)/float64(peer), *runs)

	url, host := fmt.Sprintf("http://127.0.0.1:%d/", *port), "web-local.localhost"
	rollouts(dir, url, host, *nroll)
	scenario(dir, url, host, "deploy v3 failing its health check (rolled back)", func() {
		setVersion(dir, "v3")
		edit(dir, "compose.yaml", `HEALTH_FAIL: "0"`, `HEALTH_FAIL: "1"`)
		commit(dir, "v3")
	}, "deploy")
	scenario(dir, url, host, "gazr rollback", func() {}, "rollback")
}

func scenario(dir, url, host, name string, prepare func(), verb string) {
	prepare()
	var took time.Duration
	s := underLoad(url, host, func() { took = timed(dir, verb) })
	fmt.Printf("%s: %s; load: %s [%s]\n", name, took, s, bodies(s))
}

// underLoad runs f with 4 clients requesting the app through the edge.
func underLoad(url, host string, f func()) load.Stats {
	l := load.Start(url, host, 4, 5*time.Minute)
	time.Sleep(500 * time.Millisecond)
	f()
	time.Sleep(time.Second)
	return l.Stop()
}

// bodies lists the responses by body (the versions that answered).
func bodies(s load.Stats) string {
	var bs []string
	for b, n := range s.Bodies {
		bs = append(bs, fmt.Sprintf("%s ×%d", b, n))
	}
	sort.Strings(bs)
	return strings.Join(bs, ", ")
}

// peerNoop deploys the same stack with docker stack deploy (image already
// built) and times unchanged redeploys of it.
func peerNoop(dir string) time.Duration {
	img, _, _ := strings.Cut(serviceImage(), "@")
	f := filepath.Join(dir, "peer.yaml")
	check(os.WriteFile(f, []byte("services:\n  web:\n    image: "+img+"\n    deploy:\n      replicas: 3\n      endpoint_mode: dnsrr\n"), 0o644))
	run("docker", "stack", "deploy", "-c", f, "benchpeer")
	return median(*runs, func() time.Duration {
		t := time.Now()
		run("docker", "stack", "deploy", "-c", f, "benchpeer")
		return time.Since(t)
	})
}

func timed(dir, verb string) time.Duration {
	t := time.Now()
	cmd := exec.Command(*gazr, "-C", dir, verb)
	cmd.Env = append(os.Environ(), "GAZR_EDGE_IMAGE="+*image)
	out, err := cmd.CombinedOutput()
	if err != nil && verb == "deploy" && !strings.Contains(string(out), "rolled back") {
		fmt.Fprintf(os.Stderr, "%s", out)
		check(err)
	}
	return time.Since(t).Round(time.Millisecond)
}

func median(n int, f func() time.Duration) time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = f()
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2]
}

func edit(dir, file, from, to string) {
	p := filepath.Join(dir, file)
	b, err := os.ReadFile(p)
	check(err)
	check(os.WriteFile(p, []byte(strings.Replace(string(b), from, to, 1)), 0o644))
}

func setVersion(dir, v string) {
	check(os.WriteFile(filepath.Join(dir, "version.txt"), []byte(v+"\n"), 0o644))
}

func commit(dir, msg string) {
	git(dir, "add", "-A")
	git(dir, "-c", "user.email=bench@gazr", "-c", "user.name=bench", "commit", "-qm", msg)
}

func git(dir string, args ...string) { run("git", append([]string{"-C", dir}, args...)...) }

func run(name string, args ...string) {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s %v: %s\n", name, args, out)
		check(err)
	}
}

func cleanup() {
	_ = exec.Command("docker", "stack", "rm", "benchpeer").Run()
	_ = exec.Command("docker", "service", "rm", "bench-local_web", fmt.Sprintf("gazr-edge-%d", *port)).Run()
	time.Sleep(3 * time.Second)
	out, _ := exec.Command("docker", "config", "ls", "--format", "{{.Name}}").Output()
	for _, n := range strings.Fields(string(out)) {
		if strings.Contains(n, "bench-local") || strings.HasPrefix(n, fmt.Sprintf("gazr-edge-%d", *port)) {
			_ = exec.Command("docker", "config", "rm", n).Run()
		}
	}
	_ = exec.Command("docker", "network", "rm", "bench-local_default").Run()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploybench:", err)
		cleanup()
		os.Exit(1)
	}
}
