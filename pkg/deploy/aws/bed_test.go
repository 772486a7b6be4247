package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsmem"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmfake"
)

// bed is an env of the aws backend over an in-memory AWS (awsmem) whose
// instances are the nodes of an in-memory swarm (swarmfake): a launched
// instance joins at once, as the join script would; a stopped or
// terminated one is Down.
type bed struct {
	t     *testing.T
	cloud *awsmem.Cloud
	sw    *swarmfake.Swarm
	b     *Backend
	log   *syncLog

	mu     sync.Mutex
	nodeOf map[string]string // instance id → swarm node id
	// refuse makes dialling an instance fail with this error.
	refuse map[string]error
	dialed []string
}

type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newBed(t *testing.T, managers, workers int) *bed {
	t.Helper()
	e := &bed{t: t, sw: swarmfake.New(), log: &syncLog{}, nodeOf: map[string]string{}, refuse: map[string]error{}}
	e.cloud = &awsmem.Cloud{Region: "eu-west-3",
		Managers: awsproto.Group{ASG: "swarm-manager-staging-asg", Min: 1, Max: 5, Desired: managers, Searched: "Auto Scaling group swarm-manager-staging-asg"},
		Workers:  awsproto.Group{ASG: "swarm-worker-staging-asg", Min: 0, Max: 6, Desired: workers, Searched: "Auto Scaling group swarm-worker-staging-asg"},
	}
	e.cloud.Launched = func(role string, in awsproto.Instance) { e.join(role, in) }
	e.cloud.Terminated = func(_ string, in awsproto.Instance) { e.setState(in.ID, swarm.NodeStateDown) }
	e.cloud.Stopped = e.cloud.Terminated
	e.cloud.Started = func(_ string, in awsproto.Instance) { e.setState(in.ID, swarm.NodeStateReady) }
	for range managers {
		e.join(awsproto.RoleManagers, e.cloud.AddInstance(awsproto.RoleManagers, map[string]string{"Name": "SwarmManager-staging"}))
	}
	for range workers {
		e.join(awsproto.RoleWorkers, e.cloud.AddInstance(awsproto.RoleWorkers, map[string]string{"Name": "SwarmWorker-staging"}))
	}
	env := &config.Environment{Name: "staging", Backend: "aws", AWS: &config.AWS{Access: "ssh",
		Managers: &config.Group{ASG: "swarm-manager-staging-asg"}, Workers: &config.Group{ASG: "swarm-worker-staging-asg"}}}
	b, err := NewWith(deploy.BackendOptions{Env: env, Log: e.log}, e.cloud)
	if err != nil {
		t.Fatal(err)
	}
	b.poll, b.dial = 5*time.Millisecond, e.dial
	e.b = b
	return e
}

// join makes an instance a swarm node and tags it as the join script does.
func (e *bed) join(role string, in awsproto.Instance) {
	host := "ip-" + strings.ReplaceAll(in.PrivateIP, ".", "-")
	id := e.sw.AddNode(host, in.PrivateIP, role == awsproto.RoleManagers)
	e.mu.Lock()
	e.nodeOf[in.ID] = id
	e.mu.Unlock()
	e.cloud.SetTag(in.ID, "Init", "true")
	e.cloud.SetTag(in.ID, "Hostname", host)
}

func (e *bed) setState(instance string, st swarm.NodeState) {
	e.mu.Lock()
	id := e.nodeOf[instance]
	e.mu.Unlock()
	e.sw.SetState(id, st)
}

// node returns the swarm node ID of an instance.
func (e *bed) node(instance string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.nodeOf[instance]
}

// dial reaches an instance's engine in the swarmfake; ep.Host is
// "<instance> (<ip>)".
func (e *bed) dial(ctx context.Context, ep deploy.Endpoint, manager bool) (deploy.SwarmAPI, error) {
	id, _, _ := strings.Cut(ep.Host, " ")
	e.mu.Lock()
	e.dialed = append(e.dialed, id)
	err, node := e.refuse[id], e.nodeOf[id]
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if in, _ := e.cloud.Instance(id); in.State != "running" {
		return nil, fmt.Errorf("ssh root@%s: Connection timed out", in.PrivateIP)
	}
	engine := e.sw.Engine(node)
	if manager {
		info, _ := engine.Info(ctx, client.InfoOptions{})
		if !info.Info.Swarm.ControlAvailable {
			return nil, errors.New("answers, but is a swarm worker, not a manager")
		}
	}
	return engine, nil
}

func (e *bed) instances(role string) []awsproto.Instance {
	e.cloud.Lock()
	defer e.cloud.Unlock()
	if role == awsproto.RoleManagers {
		return append([]awsproto.Instance(nil), e.cloud.Managers.Instances...)
	}
	return append([]awsproto.Instance(nil), e.cloud.Workers.Instances...)
}

func (e *bed) ops() []string {
	e.cloud.Lock()
	defer e.cloud.Unlock()
	var out []string
	for _, c := range e.cloud.Calls {
		if c.Op != awsproto.OpDescribe {
			out = append(out, c.Op)
		}
	}
	return out
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}
