package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvebed"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/deploy/proxmox"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

// pveEdgePort is the edges' port on the bed's managers.
const pveEdgePort = 8088

// TestPVELoad runs the proxmox backend's proofs that need the gazr
// binary and a load loop, on one Proxmox bed (testdata/pveload/*.txtar,
// one at a time, in order, sharing the bed): gazr cluster up interrupted
// by SIGINT half way then run again, without duplicates; then gazr
// deploy, workers 2 → 4 → 2 and a PVE node lost, under a load loop
// through a load balancer in front of the managers' edges (balancer), as
// TestAWSLoad does on the AWS bed. The load loops' figures, phase by
// phase, are logged at the end as LOAD lines, the times as TIMING lines.
func TestPVELoad(t *testing.T) {
	host := deployEngine(t)
	enginetest.Connect(t, swarmbed.SSHImage, swarmbed.RegistryImage)
	t0 := time.Now()
	warmBuildCache(t, host)
	run := &pveRun{}
	run.bed = startPVEBed(t)
	for _, kv := range run.bed.Environ() { // for the backend the test itself makes
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	run.manager = run.swarmManager
	run.lb = newBalancer(run.runningManagers, pveEdgePort)
	t.Cleanup(run.lb.Close)
	t.Cleanup(func() { run.report(t, t0) })

	files, err := filepath.Glob(filepath.Join("testdata", "pveload", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pve scripts: %v", err)
	}
	cmds := bedCmds()
	cmds["interrupt"] = cmdInterrupt
	cmds["pvevms"] = cmdPVEVMs
	cmds["pvelose"] = cmdPVELose
	p := testscript.Params{
		Files:               files,
		RequireExplicitExec: true,
		Setup:               run.setup,
		Cmds:                cmds,
	}
	if d, ok := t.Deadline(); ok {
		p.Deadline = d
	}
	// serialT: one script after another, in order; they share the bed.
	testscript.RunT(serialT{t}, p)
}

// pveRun is what TestPVELoad's scripts share: the bed, and the balancer,
// the load loop and its figures (bedRun).
type pveRun struct {
	bedRun
	bed *pvebed.Bed
}

type pveLoadKey struct{}

func pveState(ts *testscript.TestScript) *pveRun { return ts.Value(pveLoadKey{}).(*pveRun) }

// startPVEBed starts a bed of 3 PVE nodes, no VM yet, with the edge's
// image in every VM; Close runs at the end of the test.
func startPVEBed(t *testing.T) *pvebed.Bed {
	t.Helper()
	t0 := time.Now()
	b, err := pvebed.Start(t.Context(), pvebed.Options{
		Env: "pve", Images: []string{edgeImage},
		Name: fmt.Sprintf("gazr-pveload-%04x", rand.N(0x10000)),
		Logf: func(format string, args ...any) {
			if strings.HasPrefix(format, "pvebed: ") {
				t.Logf(format, args...)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		t0 := time.Now()
		if err := b.Close(ctx); err != nil {
			t.Errorf("close the pve bed: %v", err)
		}
		t.Logf("TIMING pve bed close: %s", time.Since(t0).Round(time.Millisecond))
	})
	t.Logf("TIMING pve bed start (3 PVE nodes, no VM, registry with auth): %s", time.Since(t0).Round(time.Millisecond))
	return b
}

func (r *pveRun) setup(env *testscript.Env) error {
	if err := setup(env); err != nil {
		return err
	}
	env.Values[pveLoadKey{}] = r
	env.Values[bedKey{}] = &r.bedRun
	script := strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")
	project := fmt.Sprintf("gzp-%s-%04x", strings.ReplaceAll(strings.ToLower(script), "_", "-"), rand.N(0x10000))
	b := r.bed
	for _, kv := range b.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env.Setenv(k, v)
	}
	for k, v := range map[string]string{
		"PROJECT": project, "GAZR_EDGE_IMAGE": edgeImage, "GAZR_DEPLOYER": "gazr-test",
		"PVE_URL": b.URL, "PVE_FINGERPRINT": b.Fake.Fingerprint(), "CLUSTER_TAG": b.ClusterTag(),
		"SSH_KEY": b.PublicKey(), "REGISTRY": b.Swarm.RegistryAddr,
		"EDGE_PORT": strconv.Itoa(pveEdgePort), "APP_HOST": "web-pve." + project + ".test",
		"EDGE_SERVICE": "gazr-edge-" + strconv.Itoa(pveEdgePort), "APP_SERVICE": project + "-pve_web",
	} {
		env.Setenv(k, v)
	}
	start := time.Now()
	r.scriptStart = start
	env.Defer(func() {
		r.stopLoop()
		if cli, err := container.Connect(context.Background()); err == nil {
			(&deployState{project: project}).removeImages(context.Background(), cli) // built on the host
			cli.Close()
		}
		env.T().Log(fmt.Sprintf("TIMING script %s: %s", script, time.Since(start).Round(time.Millisecond)))
	})
	return nil
}

// envVMs are the env's VMs (its cluster tag) of role (a role tag), or
// every VM not a template with "".
func (r *pveRun) envVMs(role string) []pvefake.VM {
	var out []pvefake.VM
	for _, v := range r.bed.Fake.VMs() {
		if !v.Template && (role == "" || slices.Contains(v.Tags, r.bed.ClusterTag()) && slices.Contains(v.Tags, role)) {
			out = append(out, v)
		}
	}
	return out
}

// runningManagers are the addresses of the running manager VMs, the
// balancer's targets.
func (r *pveRun) runningManagers() []string {
	var out []string
	for _, v := range r.envVMs(proxmox.TagManager) {
		if v.Status == "running" && v.IP != "" {
			out = append(out, v.IP)
		}
	}
	return out
}

// swarmManager returns the engine of a running manager VM that answers
// as a manager.
func (r *pveRun) swarmManager() (*client.Client, error) {
	var errs []string
	for _, v := range r.envVMs(proxmox.TagManager) {
		n, ok := r.bed.Node(v.VMID)
		if v.Status != "running" || !ok {
			continue
		}
		c, err := r.bed.Swarm.Client(n.Index)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err = c.NodeList(ctx, client.NodeListOptions{Filters: client.Filters{}.Add("role", "manager")})
			cancel()
		}
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Sprintf("VM %d: %v", v.VMID, err))
	}
	return nil, fmt.Errorf("no manager VM answers: %s", strings.Join(errs, "; "))
}
