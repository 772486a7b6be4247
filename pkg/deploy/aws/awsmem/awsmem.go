// Package awsmem is an in-memory model of what the gazr-aws helper
// reaches (the env's two groups, their instances, ECR), answering
// awsproto requests: the aws backend's Caller in unit tests, with no
// helper process and no AWS. Its instances change state at once; hooks
// let a test make them swarm nodes. The wire-level fake of the AWS APIs,
// driven by the real SDK, is deploytest/awsfake.
package awsmem

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// Cloud is the model. Its exported fields may be set before use and read
// (under Lock) while it runs.
type Cloud struct {
	sync.Mutex
	Region            string
	Managers, Workers awsproto.Group
	Repositories      map[string]bool
	// TokenTTL is how long a registry login lasts. Default 12h.
	TokenTTL time.Duration
	// Logins counts registry-login calls.
	Logins int
	// Fail makes an operation fail with this error until removed.
	Fail map[string]*awsproto.Error
	// Calls records every request, in order.
	Calls []awsproto.Request
	// Launched, Stopped, Started and Terminated are called (without the
	// lock) when an instance changes so; nil: nothing more happens.
	Launched, Stopped, Started, Terminated func(role string, in awsproto.Instance)
	// Now is the clock. Default time.Now.
	Now func() time.Time
	seq int
}

// AddInstance adds a running instance to role's group and returns it.
func (c *Cloud) AddInstance(role string, tags map[string]string) awsproto.Instance {
	c.Lock()
	defer c.Unlock()
	return c.add(role, tags)
}

func (c *Cloud) add(role string, tags map[string]string) awsproto.Instance {
	c.seq++
	in := awsproto.Instance{ID: fmt.Sprintf("i-%04d", c.seq), State: "running", PrivateIP: fmt.Sprintf("10.0.%d.%d", roleNet(role), c.seq),
		Zone: "eu-west-3a", Tags: tags, LaunchTime: c.now()}
	g := c.group(role)
	g.Instances = append(g.Instances, in)
	return in
}

func roleNet(role string) int {
	if role == awsproto.RoleManagers {
		return 1
	}
	return 2
}

func (c *Cloud) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cloud) group(role string) *awsproto.Group {
	if role == awsproto.RoleManagers {
		return &c.Managers
	}
	return &c.Workers
}

// SetTag sets a tag of an instance (the join script's Init, Hostname).
func (c *Cloud) SetTag(id, key, value string) {
	c.Lock()
	defer c.Unlock()
	if _, in := c.find(id); in != nil {
		if in.Tags == nil {
			in.Tags = map[string]string{}
		}
		in.Tags[key] = value
	}
}

// Instance returns an instance by id.
func (c *Cloud) Instance(id string) (awsproto.Instance, bool) {
	c.Lock()
	defer c.Unlock()
	if _, in := c.find(id); in != nil {
		return *in, true
	}
	return awsproto.Instance{}, false
}

func (c *Cloud) find(id string) (string, *awsproto.Instance) {
	for _, role := range []string{awsproto.RoleManagers, awsproto.RoleWorkers} {
		g := c.group(role)
		for i := range g.Instances {
			if g.Instances[i].ID == id {
				return role, &g.Instances[i]
			}
		}
	}
	return "", nil
}

// event is a hook call to make once the lock is released.
type event struct {
	hook func(string, awsproto.Instance)
	role string
	in   awsproto.Instance
}

// Call implements the aws backend's Caller.
func (c *Cloud) Call(ctx context.Context, req awsproto.Request) (awsproto.Response, error) {
	if err := ctx.Err(); err != nil {
		return awsproto.Response{}, err
	}
	c.Lock()
	c.Calls = append(c.Calls, req)
	if e := c.Fail[req.Op]; e != nil {
		c.Unlock()
		return awsproto.Response{Version: awsproto.Version, Error: e}, e
	}
	res, events, err := c.run(req)
	c.Unlock()
	for _, e := range events {
		if e.hook != nil {
			e.hook(e.role, e.in)
		}
	}
	res.Version = awsproto.Version
	if err != nil {
		res.Error = err
		return res, err
	}
	return res, nil
}

func (c *Cloud) run(req awsproto.Request) (awsproto.Response, []event, *awsproto.Error) {
	var res awsproto.Response
	switch req.Op {
	case awsproto.OpDescribe:
		res.Cluster = &awsproto.Cluster{Region: c.Region, Managers: clone(c.Managers), Workers: clone(c.Workers)}
	case awsproto.OpRegistryLogin:
		c.Logins++
		ttl := c.TokenTTL
		if ttl == 0 {
			ttl = 12 * time.Hour
		}
		res.Registry = &awsproto.Registry{Host: "123456789012.dkr.ecr.eu-west-3.amazonaws.com", Username: "AWS",
			Password: fmt.Sprintf("token-%d", c.Logins), Expires: c.now().Add(ttl)}
	case awsproto.OpEnsureRepository:
		if c.Repositories == nil {
			c.Repositories = map[string]bool{}
		}
		res.Created = !c.Repositories[req.Repository]
		c.Repositories[req.Repository] = true
	case awsproto.OpSetDesired:
		return c.setDesired(req)
	case awsproto.OpTerminateInGroup, awsproto.OpTerminateInstances:
		return c.terminate(req)
	case awsproto.OpStopInstances, awsproto.OpStartInstances:
		return c.stopStart(req)
	case awsproto.OpPutSchedule:
		res.Changes = c.putSchedule(req)
	default:
		return res, nil, &awsproto.Error{Code: awsproto.CodeInvalid, Message: "unknown op " + req.Op}
	}
	return res, nil, nil
}

func clone(g awsproto.Group) awsproto.Group {
	g.Instances = slices.Clone(g.Instances)
	for i := range g.Instances {
		tags := map[string]string{}
		for k, v := range g.Instances[i].Tags {
			tags[k] = v
		}
		g.Instances[i].Tags = tags
	}
	g.Scheduled = slices.Clone(g.Scheduled)
	return g
}
