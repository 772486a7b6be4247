package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// web is the test app's service in the bench's stack.
const web = "bench-local_web"

// updateStatus is what the bench reads of a service's UpdateStatus: when
// the manager started the update and when it declared it complete (the
// last new task healthy, then its update_config.monitor period).
type updateStatus struct {
	State                  string
	StartedAt, CompletedAt time.Time
}

// rollout is one timed update of web. The marks are on this machine's
// clock, which is the local engine's, the manager that stamps
// UpdateStatus.
type rollout struct {
	start time.Time
	// request: gazr printed "roll out" (next it lists the stack's
	// services and updates them); the docker CLI's start.
	request time.Time
	// seen: gazr printed web's converged state; deployed: its result
	// line, after the edge, the history record and the lock's release.
	// Zero for the docker CLI.
	seen, deployed time.Time
	end            time.Time
	swarm          updateStatus
}

func (r rollout) whole() time.Duration        { return r.end.Sub(r.start) }
func (r rollout) beforeUpdate() time.Duration { return r.swarm.StartedAt.Sub(r.start) }
func (r rollout) converge() time.Duration     { return r.swarm.CompletedAt.Sub(r.swarm.StartedAt) }
func (r rollout) after() time.Duration        { return r.end.Sub(r.swarm.CompletedAt) }

// overhead is the goal's ratio: from the update request (swarm's
// StartedAt) to the command's return, over swarm's convergence.
func (r rollout) overhead() float64 {
	return float64(r.end.Sub(r.swarm.StartedAt)) / float64(r.converge())
}

// rollouts times n gazr deploys of a new version of web (3 replicas,
// start-first, gated by the health check) and, after each, the docker
// CLI alone doing the same update of the same service (so the same
// update config) to the image gazr replaced and back to gazr's: the
// peer. Each runs under the same load through the edge.
func rollouts(dir, url, host string, n int) {
	fmt.Printf("rollouts of 3 replicas (start-first, health-gated) under load; load average %s\n", loadavg())
	var gs, ds []rollout
	for i := 1; i <= n; i++ {
		v := "v2"
		if i > 1 {
			v = fmt.Sprintf("v2.%d", i)
		}
		prev := serviceImage()
		setVersion(dir, v)
		commit(dir, v)
		var g rollout
		s := underLoad(url, host, func() { g = gazrRollout(dir) })
		fmt.Printf("  gazr deploy %s: %s = %s before the update (build, push, config) + %s swarm convergence + %s after it"+
			" (gazr saw it +%s, edge, record, lock +%s, exit +%s); return-StartedAt/convergence %.3f; load: %s [%s]\n",
			v, ms(g.whole()), ms(g.beforeUpdate()), ms(g.converge()), ms(g.after()),
			ms(g.seen.Sub(g.swarm.CompletedAt)), ms(g.deployed.Sub(g.seen)), ms(g.end.Sub(g.deployed)), g.overhead(), s, bodies(s))
		gs = append(gs, g)
		cur := serviceImage()
		for _, img := range []string{prev, cur} {
			var d rollout
			s := underLoad(url, host, func() { d = dockerRollout(img) })
			fmt.Printf("  docker service update to %s: %s = %s before the update + %s swarm convergence + %s after it; wall/convergence %.3f; load: %s\n",
				img, ms(d.whole()), ms(d.beforeUpdate()), ms(d.converge()), ms(d.after()), float64(d.whole())/float64(d.converge()), s)
			ds = append(ds, d)
		}
	}
	med := func(rs []rollout, f func(rollout) time.Duration) time.Duration {
		ds := make([]time.Duration, len(rs))
		for i, r := range rs {
			ds[i] = f(r)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	ratios := make([]float64, len(gs))
	for i, g := range gs {
		ratios[i] = g.overhead()
	}
	sort.Float64s(ratios)
	gazrRoll := med(gs, func(r rollout) time.Duration { return r.end.Sub(r.request) })
	dockerWall := med(ds, rollout.whole)
	fmt.Printf("rollout medians (%d gazr deploys, %d docker service updates); load average %s\n", len(gs), len(ds), loadavg())
	fmt.Printf("  gazr deploy, whole:                                  %s\n", ms(med(gs, rollout.whole)))
	fmt.Printf("    before the swarm update (build, push, config):     %s\n", ms(med(gs, rollout.beforeUpdate)))
	fmt.Printf("    swarm convergence (CompletedAt - StartedAt):       %s\n", ms(med(gs, rollout.converge)))
	fmt.Printf("    from CompletedAt to gazr's return:                 %s\n", ms(med(gs, rollout.after)))
	fmt.Printf("  gazr (StartedAt to return) / swarm convergence:      %.3f (goal <= 1.1; median of the runs' ratios)\n", ratios[len(ratios)/2])
	fmt.Printf("  docker service update --detach=false: wall %s, convergence %s, from CompletedAt to return %s\n",
		ms(dockerWall), ms(med(ds, rollout.converge)), ms(med(ds, rollout.after)))
	fmt.Printf("  gazr rollout (\"roll out\" line to return) %s / docker service update wall %s: %.3f\n",
		ms(gazrRoll), ms(dockerWall), float64(gazrRoll)/float64(dockerWall))
}

// gazrRollout runs gazr deploy, timestamping its output lines as they
// come, then reads the update swarm recorded.
func gazrRollout(dir string) rollout {
	r, w, err := os.Pipe()
	check(err)
	cmd := exec.Command(*gazr, "-C", dir, "deploy")
	cmd.Env = append(os.Environ(), "GAZR_EDGE_IMAGE="+*image)
	cmd.Stdout, cmd.Stderr = w, w
	ro := rollout{start: time.Now()}
	check(cmd.Start())
	w.Close()
	var out strings.Builder
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		now, line := time.Now(), sc.Text()
		out.WriteString(line + "\n")
		switch {
		case strings.HasPrefix(line, "roll out "):
			ro.request = now
		case strings.Contains(line, web) && strings.HasSuffix(line, "running the new version"):
			ro.seen = now
		case strings.Contains(line, " deployed "):
			ro.deployed = now
		}
	}
	r.Close()
	err = cmd.Wait()
	ro.end = time.Now()
	if err != nil || ro.request.IsZero() || ro.seen.IsZero() || ro.deployed.IsZero() {
		fmt.Fprintf(os.Stderr, "%s", out.String())
		check(fmt.Errorf("gazr deploy: %v (or a line the bench looks for is missing)", err))
	}
	ro.swarm = inspectUpdate()
	return ro
}

// dockerRollout updates web's image with the docker CLI alone, waiting as
// it does by default. --no-resolve-image: gazr's local env asks no
// registry either (the image is only on the engine).
func dockerRollout(img string) rollout {
	ro := rollout{start: time.Now()}
	ro.request = ro.start
	run("docker", "service", "update", "--detach=false", "--no-resolve-image", "--image", img, web)
	ro.end = time.Now()
	ro.swarm = inspectUpdate()
	return ro
}

// inspectUpdate reads web's update status once swarm has completed the
// update: the docker CLI may return a moment before (it counts its own
// monitor period from when it saw the tasks run).
func inspectUpdate() updateStatus {
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		out, err := exec.Command("docker", "service", "inspect", web, "--format", "{{json .UpdateStatus}}").Output()
		check(err)
		var us updateStatus
		check(json.Unmarshal(out, &us))
		if us.State == "completed" && !us.CompletedAt.IsZero() {
			return us
		}
		if time.Now().After(deadline) {
			check(fmt.Errorf("%s: update status %s, want completed", web, out))
		}
	}
}

// serviceImage is the image web's spec runs (with its digest, if any).
func serviceImage() string {
	out, err := exec.Command("docker", "service", "inspect", web, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}").Output()
	check(err)
	return strings.TrimSpace(string(out))
}

// loadavg is the machine's load average over 1, 5 and 15 minutes.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
