// Package awsbed is a fake AWS account whose instances are real engines:
// the fake EC2, Auto Scaling and ECR of awsfake, served on 127.0.0.1, in
// front of a swarmbed whose nodes run sshd, with the registry behind
// basic auth as ECR. It is the environment the aws backend's engine
// tests deploy to, and what `go run ./integration/awsbed` starts for a
// user to try the backend without an account.
//
//	b, err := awsbed.Start(ctx, awsbed.Options{Env: "staging", Managers: 1, Workers: 1})
//	if err != nil { ... }
//	defer b.Close(ctx)
//	env := b.Env()       // [env.staging] with backend = "aws"
//	environ := b.Environ() // AWS_ACCESS_KEY_ID=…, GAZR_SSH_CONFIG=…
//
// # What it models
//
// The platform's convention: two Auto Scaling groups,
// swarm-manager-<env>-asg (min 1, max 5) and swarm-worker-<env>-asg (min
// 0, max 6), whose instances are tagged Name=SwarmManager-<env> or
// SwarmWorker-<env>, then Init=true and Hostname=<hostname> once in the
// swarm. The nodes of Start are adopted as running instances, already
// joined and tagged. An instance the fake launches (desired capacity
// raised, by gazr, a scheduled action or [Bed.Fake]'s SetDesired) is a
// new node (swarmbed AddNode) that, once its engine answers (the instance
// is then running), joins the swarm by itself as the reference user data
// (docs/aws/user-data.sh) does: see userData. Stop is a node's clean
// shutdown (forced: a kill), Start starts it again, Terminate removes
// it; its swarm node stays Down until a joining manager (or gazr)
// removes it. ECR's proxy endpoint is the registry (https://127.0.0.1:<port>;
// engines treat 127.0.0.0/8 as insecure, so they speak plain HTTP to it),
// and each token the fake hands out is its password.
//
// Not modelled: Parameter Store (a joining node reads the join token from
// the manager's engine), a swarm init when no manager is left, instance
// metadata, and the user data running again at a reboot (a started node
// is still in the swarm).
package awsbed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// Options configure a bed. The zero value is env "staging" with one
// manager and no worker.
type Options struct {
	// Env is the environment's name (default "staging").
	Env string
	// Managers and Workers are the nodes started with the bed, adopted
	// as the groups' instances; Managers defaults to 1.
	Managers, Workers int
	// Region is the fake's region (default "eu-west-3").
	Region string
	// Images are host images loaded into every node, those launched later
	// included.
	Images []string
	// Name names the swarmbed (default: swarmbed's).
	Name string
	// HeartbeatPeriod is the swarm dispatcher's heartbeat period
	// (swarmbed.Options.HeartbeatPeriod; default swarmbed's 1s, fast to see
	// a node lost). A new raft leader marks every node unknown and Down
	// those that do not report within about three periods, and swarm then
	// shuts down their tasks: a test that stops the leader on a loaded
	// machine passes swarm's own 5s, as EC2 swarms run.
	HeartbeatPeriod time.Duration
	// Now is the fake's clock (awsfake.Options.Now): a test that fires
	// scheduled actions passes an awsfake.Clock's. Default time.Now.
	Now func() time.Time
	// Logf, if set, receives progress, timings and the user data's log.
	Logf func(format string, args ...any)
}

// Bed is a fake AWS account in front of a real swarm. Its methods are
// safe for concurrent use.
type Bed struct {
	// Fake is the fake AWS: groups, instances, tokens, faults.
	Fake *awsfake.Fake
	// Swarm is the bed of engines behind the instances.
	Swarm *swarmbed.Bed
	// URL is the fake's endpoint, "http://127.0.0.1:<port>".
	URL string

	opts      Options
	stopFake  func()
	ctx       context.Context // the user data's; cancelled by Close
	cancel    context.CancelFunc
	userData  sync.WaitGroup
	machines  *machines
	closeOnce sync.Once
	closeErr  error
}

// Start starts the swarmbed (sshd on every node, the registry behind
// auth), the fake on 127.0.0.1 with its two groups adopting the nodes,
// and returns when every node is in the swarm. On error everything is
// removed.
func Start(ctx context.Context, o Options) (*Bed, error) {
	t0 := time.Now()
	o = o.withDefaults()
	if o.Managers < 1 || o.Workers < 0 {
		return nil, fmt.Errorf("awsbed: %d managers and %d workers: want at least one manager", o.Managers, o.Workers)
	}
	sw, err := swarmbed.Start(ctx, swarmbed.Options{
		Nodes: o.Managers + o.Workers, Managers: o.Managers, Name: o.Name,
		SSH: true, RegistryAuth: true, Images: o.Images, Logf: o.Logf, HeartbeatPeriod: o.HeartbeatPeriod,
	})
	if err != nil {
		return nil, fmt.Errorf("awsbed: %w", err)
	}
	b := &Bed{Swarm: sw, opts: o}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.machines = &machines{bed: b, byID: map[string]*machine{}}
	var pwMu sync.Mutex
	var pwErr error // the first failure; the first password is set in New
	b.Fake = awsfake.New(awsfake.Options{
		Region:           o.Region,
		Now:              o.Now,
		Machines:         b.machines,
		ReconcileEvery:   2 * time.Second,
		RegistryEndpoint: "https://" + sw.RegistryAddr,
		OnPassword: func(user, password string) {
			if err := b.setPassword(user, password); err != nil {
				b.logf("ECR password: %v", err)
				pwMu.Lock()
				pwErr = cmp.Or(pwErr, err)
				pwMu.Unlock()
			}
		},
		Logf: o.Logf,
	})
	b.URL, b.stopFake = b.Fake.Start()
	pwMu.Lock()
	err = pwErr
	pwMu.Unlock()
	if err := errors.Join(err, b.addGroups()); err != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return nil, errors.Join(fmt.Errorf("awsbed: %w", err), b.Close(cctx))
	}
	b.logf("fake AWS at %s, %d managers and %d workers, ready in %s", b.URL, o.Managers, o.Workers, time.Since(t0).Round(time.Millisecond))
	return b, nil
}

func (o Options) withDefaults() Options {
	if o.Env == "" {
		o.Env = "staging"
	}
	if o.Managers == 0 {
		o.Managers = 1
	}
	if o.Region == "" {
		o.Region = "eu-west-3"
	}
	return o
}

// setPassword makes the registry's login ECR's new token.
func (b *Bed) setPassword(user, password string) error {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	return b.Swarm.SetRegistryPassword(ctx, user, password)
}

// addGroups creates the two groups, adopting the nodes of Start.
func (b *Bed) addGroups() error {
	var managers, workers []awsfake.Adopt
	for _, n := range b.Swarm.NodeList() {
		a := awsfake.Adopt{ID: newInstanceID(), PrivateIP: n.Addr, Tags: map[string]string{"Init": "true", "Hostname": n.Name}}
		b.machines.adopt(a.ID, n.Index)
		if n.Manager {
			managers = append(managers, a)
		} else {
			workers = append(workers, a)
		}
	}
	err := b.Fake.AddGroup(awsfake.GroupSpec{
		Name: b.ManagersGroup(), Min: 1, Max: max(5, b.opts.Managers), Desired: b.opts.Managers,
		Tags: map[string]string{"Name": b.ManagerName()}, Instances: managers,
	})
	if err != nil {
		return err
	}
	return b.Fake.AddGroup(awsfake.GroupSpec{
		Name: b.WorkersGroup(), Min: 0, Max: max(6, b.opts.Workers), Desired: b.opts.Workers,
		Tags: map[string]string{"Name": b.WorkerName()}, Instances: workers,
	})
}

// Close stops the fake (waiting for its machine operations and the user
// data running), then removes the swarmbed. It may be called again.
func (b *Bed) Close(ctx context.Context) error {
	b.closeOnce.Do(func() {
		if b.stopFake != nil {
			b.stopFake()
		}
		b.cancel()
		b.userData.Wait()
		b.closeErr = b.Swarm.Close(ctx)
	})
	return b.closeErr
}

// EnvName is the environment's name.
func (b *Bed) EnvName() string { return b.opts.Env }

// Region is the fake's region.
func (b *Bed) Region() string { return b.opts.Region }

// ManagersGroup and WorkersGroup are the Auto Scaling groups' names.
func (b *Bed) ManagersGroup() string { return "swarm-manager-" + b.opts.Env + "-asg" }

// WorkersGroup is the workers' Auto Scaling group.
func (b *Bed) WorkersGroup() string { return "swarm-worker-" + b.opts.Env + "-asg" }

// ManagerName and WorkerName are the Name tags of the two roles.
func (b *Bed) ManagerName() string { return "SwarmManager-" + b.opts.Env }

// WorkerName is the workers' Name tag.
func (b *Bed) WorkerName() string { return "SwarmWorker-" + b.opts.Env }

// Node returns the swarmbed node of instance id, if it has one.
func (b *Bed) Node(id string) (swarmbed.Node, bool) {
	i, ok := b.machines.index(id)
	if !ok {
		return swarmbed.Node{}, false
	}
	return b.Swarm.Node(i)
}

func (b *Bed) logf(format string, args ...any) {
	if b.opts.Logf != nil {
		b.opts.Logf("awsbed: "+format, args...)
	}
}
