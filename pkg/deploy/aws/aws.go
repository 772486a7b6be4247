// Package aws is the deploy backend of a Docker Swarm on EC2, adopted as
// the platform runs it: managers and workers in two groups found by Auto
// Scaling group or tags, images in ECR, managers reached over SSH. The
// AWS calls go through the gazr-aws helper (Caller), which holds the AWS
// SDK; the swarm logic (failover, drain, prune, chaos) is gazr's own,
// shared with other backends in package deploy.
package aws

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/registryauth"
)

// Backend is the aws backend.
type Backend struct {
	env    *config.Environment
	cfg    config.AWS
	target awsproto.Target
	log    io.Writer
	caller Caller

	// now, poll and dial are the clock, the polling interval of waits and
	// how an engine is reached (DialManager); tests replace them.
	now  func() time.Time
	poll time.Duration
	dial func(ctx context.Context, ep deploy.Endpoint, manager bool) (deploy.SwarmAPI, error)

	mu  sync.Mutex
	reg deploy.Registry // the ECR login, until shortly before it expires
}

var _ deploy.Backend = (*Backend)(nil)

// RegistryMargin: an ECR login is used until this long before it expires.
const RegistryMargin = 5 * time.Minute

// New returns the aws backend of o.Env, calling AWS through the gazr-aws
// helper; it implements deploy.Factory and contacts nothing.
func New(o deploy.BackendOptions) (deploy.Backend, error) {
	return NewWith(o, &ExecCaller{})
}

// NewWith returns the aws backend of o.Env calling AWS through caller.
func NewWith(o deploy.BackendOptions, caller Caller) (*Backend, error) {
	cfg, err := settings(o.Env)
	if err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	return &Backend{env: o.Env, cfg: cfg, target: target(cfg), log: log, caller: caller,
		now: time.Now, poll: time.Second, dial: dial}, nil
}

// Name implements deploy.Backend.
func (b *Backend) Name() string { return "aws" }

// Properties implements deploy.Backend: machines that can be scaled,
// stopped, started and pruned; ECR's logins expire and its repositories
// are created before a push.
func (b *Backend) Properties() deploy.Properties {
	ecr := b.ecr()
	return deploy.Properties{ScaleNodes: true, StopNode: true, NeedsRegistry: true, RegistryExpires: ecr,
		EnsureRepository: ecr, PendingNodes: true, StartNode: true, PruneNodes: true, Check: true, Schedule: true}
}

func (b *Backend) ecr() bool { return registryName(b.env, b.cfg) == ECR }

// Registry implements deploy.Backend: an ECR login (cached until
// RegistryMargin before it expires), or the env's registry with the
// docker CLI's credentials.
func (b *Backend) Registry(ctx context.Context) (deploy.Registry, error) {
	if name := registryName(b.env, b.cfg); name != ECR {
		auth, err := registryauth.ForHost(name)
		if err != nil {
			return deploy.Registry{}, err
		}
		return deploy.Registry{Host: name, Auth: auth}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.reg.Host != "" && b.now().Before(b.reg.Expires.Add(-RegistryMargin)) {
		return b.reg, nil
	}
	res, err := b.call(ctx, awsproto.Request{Op: awsproto.OpRegistryLogin})
	if err != nil {
		return deploy.Registry{}, err
	}
	r := res.Registry
	if r == nil || r.Host == "" {
		return deploy.Registry{}, fmt.Errorf("env %s: gazr-aws registry-login answered no registry", b.env.Name)
	}
	b.reg = deploy.Registry{Host: r.Host, Expires: r.Expires,
		Auth: registryauth.Encode(registryauth.Credentials{ServerAddress: r.Host, Username: r.Username, Password: r.Password})}
	return b.reg, nil
}

// EnsureRepository implements deploy.Backend: ECR wants a repository
// before the first push.
func (b *Backend) EnsureRepository(ctx context.Context, name string) error {
	if !b.ecr() {
		return fmt.Errorf("ensure repository %s: registry %s creates repositories on push: %w", name, registryName(b.env, b.cfg), deploy.ErrNotSupported)
	}
	res, err := b.call(ctx, awsproto.Request{Op: awsproto.OpEnsureRepository, Repository: name})
	if err == nil && res.Created {
		fmt.Fprintf(b.log, "created ECR repository %s\n", name)
	}
	return err
}
