package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// specs save NAME — snapshot the project's services (spec and version
// index: any update changes it), secrets, configs and networks.
// specs cmp NAME — fail, naming what changed, unless they are as in the
// snapshot NAME (negated: unless something changed). The history is left
// out: every deploy adds a record.
func cmdSpecs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || (args[0] != "save" && args[0] != "cmp") || (neg && args[0] == "save") {
		ts.Fatalf("usage: specs save NAME | [!] specs cmp NAME")
	}
	st := state(ts)
	cli := engine(ts)
	defer cli.Close()
	now, err := st.snapshot(context.Background(), cli)
	ts.Check(err)
	st.mu.Lock()
	defer st.mu.Unlock()
	if args[0] == "save" {
		st.specs[args[1]] = now
		return
	}
	before, ok := st.specs[args[1]]
	if !ok {
		ts.Fatalf("specs: no snapshot %q (specs save %s)", args[1], args[1])
	}
	var diff []string
	for _, l := range before {
		if !slices.Contains(now, l) {
			diff = append(diff, "- "+abbrev(l))
		}
	}
	for _, l := range now {
		if !slices.Contains(before, l) {
			diff = append(diff, "+ "+abbrev(l))
		}
	}
	switch {
	case len(diff) > 0 && !neg:
		ts.Fatalf("specs changed since %q:\n%s", args[1], strings.Join(diff, "\n"))
	case len(diff) == 0 && neg:
		ts.Fatalf("specs unchanged since %q", args[1])
	}
}

func abbrev(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// snapshot describes the project's swarm objects, one sorted line each.
func (st *deployState) snapshot(ctx context.Context, cli *client.Client) ([]string, error) {
	f := st.projectFilter()
	var lines []string
	services, err := cli.ServiceList(ctx, client.ServiceListOptions{Filters: f})
	if err != nil {
		return nil, err
	}
	for _, s := range services.Items {
		spec, _ := json.Marshal(s.Spec)
		lines = append(lines, fmt.Sprintf("service %s version %d spec %s", s.Spec.Name, s.Version.Index, spec))
	}
	secrets, err := cli.SecretList(ctx, client.SecretListOptions{Filters: f})
	if err != nil {
		return nil, err
	}
	for _, s := range secrets.Items {
		lines = append(lines, "secret "+s.Spec.Name)
	}
	configs, err := cli.ConfigList(ctx, client.ConfigListOptions{Filters: f})
	if err != nil {
		return nil, err
	}
	for _, c := range configs.Items {
		lines = append(lines, "config "+c.Spec.Name)
	}
	networks, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, err
	}
	for _, n := range networks.Items {
		lines = append(lines, "network "+n.Name)
	}
	slices.Sort(lines)
	return lines, nil
}

// services — print the project's services, one line each: name, image
// (without digest), replicas, and the job's verb for a one-off job; then
// the containers of its tasks whose service is gone.
func cmdServices(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: services")
	}
	cli := engine(ts)
	defer cli.Close()
	if !swarmActive(context.Background(), cli) {
		return // no swarm, so none of the project's services
	}
	res, err := cli.ServiceList(context.Background(), client.ServiceListOptions{Filters: state(ts).projectFilter()})
	ts.Check(err)
	var lines []string
	for _, s := range res.Items {
		img, _, _ := strings.Cut(s.Spec.TaskTemplate.ContainerSpec.Image, "@")
		mode := "global"
		switch m := s.Spec.Mode; {
		case m.Replicated != nil && m.Replicated.Replicas != nil:
			mode = fmt.Sprintf("replicas=%d", *m.Replicated.Replicas)
		case m.ReplicatedJob != nil:
			mode = "job"
		}
		line := fmt.Sprintf("%s %s %s", s.Spec.Name, img, mode)
		if job := s.Spec.Labels["io.gazr.job"]; job != "" {
			line += " job=" + job
		}
		lines = append(lines, line)
	}
	orphans, err := state(ts).orphans(context.Background(), cli)
	ts.Check(err)
	lines = append(lines, orphans...)
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Fprintln(ts.Stdout(), l)
	}
}

// orphans describes the containers of the project's tasks whose service
// no longer exists: swarm removes those of a removed service, but not all
// (moby/moby#42789: never those of a job).
func (st *deployState) orphans(ctx context.Context, cli *client.Client) ([]string, error) {
	services, err := cli.ServiceList(ctx, client.ServiceListOptions{})
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for _, s := range services.Items {
		live[s.ID] = true
	}
	res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", "com.docker.swarm.service.id")})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range res.Items {
		if strings.HasPrefix(c.Labels["com.docker.swarm.service.name"], st.project+"-") && !live[c.Labels["com.docker.swarm.service.id"]] {
			out = append(out, fmt.Sprintf("orphan container %s (%s)", strings.TrimPrefix(c.Names[0], "/"), c.Status))
		}
	}
	return out, nil
}

// waitlock ENV — wait (up to 60s) until the deploy lock of the project's
// env ENV is held.
func cmdWaitLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitlock ENV")
	}
	cli := engine(ts)
	defer cli.Close()
	name := "gazr-lock." + state(ts).project + "-" + args[0]
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, err := cli.ConfigInspect(context.Background(), name, client.ConfigInspectOptions{})
		if err == nil {
			return
		}
		// On a fresh engine the deploy has not made it a swarm yet.
		if !cerrdefs.IsNotFound(err) && swarmActive(context.Background(), cli) {
			ts.Fatalf("waitlock: %v", err)
		}
	}
	ts.Fatalf("waitlock: no lock %s after 60s", name)
}

// registry start — run the test registry (no auth) on a free port of
// 127.0.0.1, which engines trust without TLS, and set $REG_PORT. The
// script's clean-up removes it.
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || args[0] != "start" {
		ts.Fatalf("usage: registry start")
	}
	st := state(ts)
	cli := engine(ts)
	defer cli.Close()
	ctx := context.Background()
	port := network.MustParsePort("5000/tcp")
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: st.project + "-registry",
		Config: &container.Config{Image: "gazr-test/registry:2", ExposedPorts: network.PortSet{port: {}},
			Labels: map[string]string{labelTestRegistry: st.project}},
		HostConfig: &container.HostConfig{PortBindings: network.PortMap{port: {{HostIP: netip.MustParseAddr("127.0.0.1")}}}},
	})
	ts.Check(err)
	st.mu.Lock()
	st.registry = c.ID
	st.mu.Unlock()
	_, err = cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{})
	ts.Check(err)
	res, err := cli.ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})
	ts.Check(err)
	bindings := res.Container.NetworkSettings.Ports[port]
	if len(bindings) == 0 {
		ts.Fatalf("registry: no published port")
	}
	hc := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, err := get(hc, "http://127.0.0.1:"+bindings[0].HostPort+"/v2/", "")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			ts.Fatalf("registry: not ready after 30s: %v", err)
		}
	}
	ts.Setenv("REG_PORT", bindings[0].HostPort)
}

// inswarm [HOST] — succeed when the engine (at HOST, a tcp:// endpoint;
// default the test's) is an active swarm manager.
func cmdInSwarm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) > 1 {
		ts.Fatalf("usage: inswarm [HOST]")
	}
	cli := engine(ts)
	if len(args) == 1 {
		cli.Close()
		var err error
		cli, err = client.New(client.WithHost(args[0]))
		ts.Check(err)
	}
	defer cli.Close()
	if got := swarmActive(context.Background(), cli); got == neg {
		ts.Fatalf("engine in a swarm: %v", got)
	}
}

// noswarm [IMAGE...] — start an engine of the script's own that is in no
// swarm (a one-node swarmbed whose node left its swarm), with the host's
// IMAGEs loaded, and set $NOSWARM_HOST to its tcp:// endpoint. The
// script's clean-up removes it.
func cmdNoSwarm(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: noswarm [IMAGE...]")
	}
	st := state(ts)
	ctx := context.Background()
	bed, err := swarmbed.Start(ctx, swarmbed.Options{Nodes: 1, Name: st.project + "-engine", Images: args})
	ts.Check(err)
	st.mu.Lock()
	st.bed = bed
	st.mu.Unlock()
	node, err := bed.Client(0)
	ts.Check(err)
	_, err = node.SwarmLeave(ctx, client.SwarmLeaveOptions{Force: true})
	ts.Check(err)
	ts.Setenv("NOSWARM_HOST", bed.Nodes[0].Host)
}
