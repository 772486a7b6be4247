package deploytest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/deploy/local"
)

// Images of the multi-node test: the app builds on node 0 from go and
// busybox; the edge runs haproxy on every manager.
const (
	goImage      = "gazr-test/go:1.26"
	busyboxImage = "gazr-test/busybox:1"
	edgeImage    = "gazr-test/haproxy:2.6"
)

const (
	service  = "multi-bed_web"    // the test app's swarm service
	edgeHost = "web-bed.bed.test" // the Host the edge routes to it
	edgePort = 8088
)

// multi is the state the steps of TestMultiNode share.
type multi struct {
	bed      *swarmbed.Bed
	host     *client.Client
	dir      string
	toml     string
	deployed time.Time // when the first deploy returned
}

// TestMultiNode deploys the test app with gazr's deploy pipeline and the
// local backend to a real swarm of three managers in containers: built on
// node 0, pushed to the bed's registry, spread over the three nodes,
// served by the edge on every manager; it survives the loss of node 2,
// and a new version deploys with node 2 still down (2 of 3 managers keep
// the quorum). Figures go to the log as TIMING and LOAD lines.
func TestMultiNode(t *testing.T) {
	host := hostEngine(t, swarmbed.DefaultImage, swarmbed.RegistryImage, goImage, busyboxImage, edgeImage)
	m := &multi{host: host, bed: startBed(t, host)}
	m.dir = t.TempDir()
	m.toml = fmt.Sprintf(`name = "multi"
[env.bed]
manager  = %q
insecure = true
registry = %q
domain   = "bed.test"
edge_port = %d
`, m.bed.Nodes[0].Host, m.bed.RegistryAddr, edgePort)
	writeApp(t, m.dir, "v1", m.toml)

	steps := []struct {
		name string
		f    func(*testing.T)
	}{
		{"refused without registry", m.refusedWithoutRegistry},
		{"first deploy", m.firstDeploy},
		{"placement", m.placement},
		{"scale keeps the running tasks", m.scaleKeepsTasks},
		{"edge", m.edge},
		{"node loss", m.nodeLoss},
		{"deploy with a node down", m.deployNodeDown},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.f) {
			t.Fatalf("step %q failed: the next ones need it", s.name)
		}
	}
}

// startBed starts the bed (3 managers, a registry, the edge's image on
// every node) and loads the app's base images into node 0, its builder.
func startBed(t *testing.T, host *client.Client) *swarmbed.Bed {
	t0 := time.Now()
	bed, err := swarmbed.Start(t.Context(), swarmbed.Options{
		Nodes: 3, Managers: 3, Registry: true, Images: []string{edgeImage}, Logf: t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := bed.Close(ctx); err != nil {
			t.Errorf("close bed: %v", err)
		}
	})
	t.Logf("TIMING bed start (3 managers, registry, %s loaded everywhere): %s", edgeImage, since(t0))
	t0 = time.Now()
	node0, err := bed.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadInto(t.Context(), host, node0, goImage, busyboxImage); err != nil {
		t.Fatalf("node 0: %v", err)
	}
	t.Logf("TIMING image load (%s, %s into node 0): %s", goImage, busyboxImage, since(t0))
	return bed
}

// options are the deploy options of the project as it is in m.dir, and
// the log of its progress.
func (m *multi) options(t *testing.T) (deploy.Options, *logWriter) {
	t.Helper()
	cfg, err := config.Load(m.dir)
	if err != nil {
		t.Fatal(err)
	}
	env, err := cfg.Env("bed")
	if err != nil {
		t.Fatal(err)
	}
	b, err := local.New(deploy.BackendOptions{Env: env, MayInitSwarm: true})
	if err != nil {
		t.Fatal(err)
	}
	out := &logWriter{t: t, prefix: "deploy: "}
	return deploy.Options{
		Config: cfg, Env: env, Backend: b, EdgeImage: edgeImage, Out: out,
		Builder: func(context.Context) (deploy.BuildAPI, error) {
			c, err := m.bed.Client(0)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
	}, out
}

// refusedWithoutRegistry: the same env without a registry is refused on a
// multi-node swarm, before anything is built or changed.
func (m *multi) refusedWithoutRegistry(t *testing.T) {
	o, _ := m.options(t)
	env := *o.Env
	env.Registry = ""
	b, err := local.New(deploy.BackendOptions{Env: &env, MayInitSwarm: true})
	if err != nil {
		t.Fatal(err)
	}
	o.Env, o.Backend = &env, b
	_, err = deploy.Deploy(t.Context(), o)
	if err == nil {
		t.Fatal("deploy of built images to a 3-node swarm without a registry: no error")
	}
	t.Logf("refused: %v", err)
	for _, want := range []string{"3 nodes", `set registry = "…" in [env.bed]`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	api := m.manager(t)
	if svcs, err := deploy.StackServices(t.Context(), api, "multi-bed"); err != nil || len(svcs) > 0 {
		t.Errorf("after the refusal: %d services of the stack (%v), want none", len(svcs), err)
	}
}

// firstDeploy builds v1 on node 0, pushes it and rolls it out.
func (m *multi) firstDeploy(t *testing.T) {
	o, out := m.options(t)
	t0 := time.Now()
	res, err := deploy.Deploy(t.Context(), o)
	if err != nil {
		t.Fatalf("first deploy: %v", err)
	}
	m.deployed = time.Now()
	logDeploy(t, "first deploy", t0, out)
	if head := git(t, m.dir, "rev-parse", "--short=12", "HEAD"); res.Version != head {
		t.Errorf("deployed version %q, want the commit %q", res.Version, head)
	}
	svc, err := m.manager(t).ServiceInspect(t.Context(), service, client.ServiceInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img := svc.Service.Spec.TaskTemplate.ContainerSpec.Image
	if want := m.bed.RegistryAddr + "/multi/web:" + res.Version; !strings.HasPrefix(img, want) {
		t.Errorf("service image %q, want %q from the bed's registry", img, want)
	}
	if v := svc.Service.Spec.Labels[convert.LabelVersion]; v != res.Version {
		t.Errorf("service version label %q, want %q", v, res.Version)
	}
}

// placement: the three replicas run on three distinct nodes.
func (m *multi) placement(t *testing.T) {
	api := m.manager(t)
	ts, byNode, err := runningTasks(t.Context(), api, service)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 3 || len(byNode) != 3 {
		t.Fatalf("%d tasks running on %d nodes (%v), want 3 on 3", len(ts), len(byNode), byNode)
	}
	for _, n := range m.bed.Nodes {
		if byNode[n.ID] != 1 {
			t.Errorf("node %s runs %d replicas, want 1", n.Name, byNode[n.ID])
		}
	}
}

// scaleKeepsTasks: gazr scale 3 → 5 → 3 only adds and removes tasks:
// scaling up keeps every task that ran, scaling down keeps running the
// ones it does not remove (a scale that replaced them would drop
// requests on a loaded swarm).
func (m *multi) scaleKeepsTasks(t *testing.T) {
	o, out := m.options(t)
	api := m.manager(t)
	prev := m.runningIDs(t, api)
	if len(prev) != 3 {
		t.Fatalf("%d tasks running before the scale, want 3", len(prev))
	}
	reg, err := deploy.NewRegistrySession(t.Context(), o.Backend, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint64{5, 3} {
		t0 := time.Now()
		if err := deploy.Scale(t.Context(), api, "multi-bed", map[string]uint64{"web": n}, reg, o.Env.Timeout, out); err != nil {
			t.Fatalf("scale web=%d: %v", n, err)
		}
		t.Logf("TIMING scale web=%d: %s", n, since(t0))
		now := m.runningIDs(t, api)
		if len(now) != int(n) {
			t.Errorf("after scale web=%d: %d tasks running, want %d", n, len(now), n)
		}
		kept, of := prev, now // scaling up: every task of before runs now
		if len(now) < len(prev) {
			kept, of = now, prev // scaling down: every task running now ran before
		}
		for id := range kept {
			if !of[id] {
				t.Errorf("scale web=%d replaced tasks: %s is not among the %d running before and after", n, id, min(len(now), len(prev)))
			}
		}
		prev = now
	}
}

// runningIDs returns the IDs of the app's running tasks.
func (m *multi) runningIDs(t *testing.T, api client.TaskAPIClient) map[string]bool {
	t.Helper()
	ts, _, err := runningTasks(t.Context(), api, service)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, task := range ts {
		if task.Status.State == swarm.TaskStateRunning {
			ids[task.ID] = true
		}
	}
	return ids
}

// manager returns node 0's client: node 0 is never stopped.
func (m *multi) manager(t *testing.T) *client.Client {
	t.Helper()
	c, err := m.bed.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func edgeURL(n swarmbed.Node) string { return fmt.Sprintf("http://%s:%d/", n.Addr, edgePort) }

func since(t0 time.Time) time.Duration { return time.Since(t0).Round(time.Millisecond) }

// logDeploy logs how long a deploy took, in all and by part.
func logDeploy(t *testing.T, what string, t0 time.Time, out *logWriter) {
	t.Helper()
	end := time.Now()
	t.Logf("TIMING %s: %s", what, end.Sub(t0).Round(time.Millisecond))
	if r := out.at("roll out "); !r.IsZero() {
		t.Logf("TIMING %s: build and push %s, roll out 3 replicas and update the edge %s", what,
			r.Sub(t0).Round(time.Millisecond), end.Sub(r).Round(time.Millisecond))
	}
}
