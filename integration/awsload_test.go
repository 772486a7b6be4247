package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsbed"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awshelper"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

// awsEdgePort is the edges' port on the bed's managers: the bed's network
// is its own, so any port does.
const awsEdgePort = 8088

// TestAWSLoad runs the deploy proofs through the gazr CLI on the
// AWS bed (testdata/awsload/*.txtar, one at a time, in order, sharing one
// bed): three managers and two workers behind the fake AWS, ECR as the
// bed's registry behind the fake's token, the gazr-aws helper as
// awshelper gives it, and a load balancer in front of the managers' edges
// (balancer). The load loops' figures, phase by phase, are logged at the
// end as LOAD lines, the times as TIMING lines.
func TestAWSLoad(t *testing.T) {
	host := deployEngine(t)
	enginetest.Connect(t, swarmbed.SSHImage, swarmbed.RegistryImage)
	helper := awshelper.Path(t)
	t0 := time.Now()
	warmBuildCache(t, host)
	run := &awsRun{helper: helper, start: time.Now()}
	run.bed = startAWSBed(t)
	for _, kv := range run.bed.Environ() { // for the helper the test itself runs
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	run.manager = run.bed.Swarm.Manager
	run.lb = newBalancer(run.runningManagers, awsEdgePort)
	t.Cleanup(run.lb.Close)
	t.Cleanup(func() { run.report(t, t0) })

	files, err := filepath.Glob(filepath.Join("testdata", "awsload", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no aws scripts: %v", err)
	}
	p := testscript.Params{
		Files:               files,
		RequireExplicitExec: true,
		Setup:               run.setup,
		Cmds:                run.cmds(),
	}
	if d, ok := t.Deadline(); ok {
		p.Deadline = d
	}
	// serialT: one script after another, in order; they share the bed.
	testscript.RunT(serialT{t}, p)
}

// awsRun is what TestAWSLoad's scripts share: the bed, the helper, and
// the balancer, the load loop and its figures (bedRun).
type awsRun struct {
	bedRun
	bed    *awsbed.Bed
	helper string
	start  time.Time
}

type awsKey struct{}

func awsState(ts *testscript.TestScript) *awsRun { return ts.Value(awsKey{}).(*awsRun) }

// cmds are the load scripts' commands (bedCmds) and those of the AWS bed.
func (r *awsRun) cmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := bedCmds()
	cmds["instance"] = cmdInstance
	cmds["stopnode"] = cmdStopNode
	cmds["pulls"] = cmdPulls
	cmds["sshkey"] = cmdSSHKey
	return cmds
}

// runningManagers are the addresses of the running manager instances,
// the balancer's targets.
func (r *awsRun) runningManagers() []string {
	var out []string
	for _, in := range r.bed.Fake.Instances() {
		if in.Tags["Name"] == r.bed.ManagerName() && in.State == awsfake.StateRunning && in.PrivateIP != "" {
			out = append(out, in.PrivateIP)
		}
	}
	return out
}

// startAWSBed starts the bed with the edge's image on every node; Close
// runs at the end of the test.
func startAWSBed(t *testing.T) *awsbed.Bed {
	t.Helper()
	t0 := time.Now()
	b, err := awsbed.Start(t.Context(), awsbed.Options{
		Env: "staging", Managers: 3, Workers: 2, Images: []string{edgeImage},
		// Swarm's own, as on EC2: with the bed's 1s, the raft election
		// that follows manager 0's stop marked running managers Down on
		// this loaded machine, and swarm restarted their edges.
		HeartbeatPeriod: 5 * time.Second,
		Name:            fmt.Sprintf("gazr-awsload-%04x", rand.N(0x10000)),
		Logf: func(format string, args ...any) {
			if strings.HasPrefix(format, "awsbed: ") {
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
			t.Errorf("close the aws bed: %v", err)
		}
		t.Logf("TIMING aws bed close: %s", time.Since(t0).Round(time.Millisecond))
	})
	t.Logf("TIMING aws bed start (3 managers, 2 workers, sshd, registry with auth, %s loaded): %s", edgeImage, time.Since(t0).Round(time.Millisecond))
	return b
}

func (r *awsRun) setup(env *testscript.Env) error {
	if err := setup(env); err != nil {
		return err
	}
	env.Values[awsKey{}] = r
	env.Values[bedKey{}] = &r.bedRun
	script := strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")
	project := fmt.Sprintf("gza-%s-%04x", strings.ReplaceAll(strings.ToLower(script), "_", "-"), rand.N(0x10000))
	b := r.bed
	for _, kv := range b.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env.Setenv(k, v)
	}
	for k, v := range map[string]string{
		"PROJECT": project, "GAZR_AWS_HELPER": r.helper, "GAZR_EDGE_IMAGE": edgeImage, "GAZR_DEPLOYER": "gazr-test",
		"AWS_ENDPOINT": b.URL, "MANAGERS_ASG": b.ManagersGroup(), "WORKERS_ASG": b.WorkersGroup(),
		"EDGE_PORT": strconv.Itoa(awsEdgePort), "APP_HOST": "web-staging." + project + ".test",
		"EDGE_SERVICE": "gazr-edge-" + strconv.Itoa(awsEdgePort), "APP_SERVICE": project + "-staging_web",
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
