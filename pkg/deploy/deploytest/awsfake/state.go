package awsfake

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// EC2 instance states (Instance.State).
const (
	StatePending      = "pending"
	StateRunning      = "running"
	StateStopping     = "stopping"
	StateStopped      = "stopped"
	StateShuttingDown = "shutting-down"
	StateTerminated   = "terminated"
)

// Auto Scaling lifecycle states (Instance.Lifecycle).
const (
	LifecyclePending     = "Pending"
	LifecycleInService   = "InService"
	LifecycleTerminating = "Terminating"
	LifecycleTerminated  = "Terminated"
)

// GroupTag is the tag Auto Scaling puts on the instances it launches.
const GroupTag = "aws:autoscaling:groupName"

// stateCodes are EC2's numeric codes of the states.
var stateCodes = map[string]int{
	StatePending: 0, StateRunning: 16, StateShuttingDown: 32,
	StateTerminated: 48, StateStopping: 64, StateStopped: 80,
}

// Instance is an EC2 instance, as the fake's methods return it (a copy).
type Instance struct {
	ID string
	// State is EC2's: pending, running, stopping, stopped, shutting-down,
	// terminated.
	State     string
	PrivateIP string
	PublicIP  string
	// AZ is the availability zone.
	AZ           string
	Tags         map[string]string
	LaunchTime   time.Time
	InstanceType string
	ImageID      string
	// Group is the instance's Auto Scaling group; empty for none.
	Group string
	// Lifecycle is the Auto Scaling lifecycle state (Pending, InService,
	// Terminating, Terminated); empty outside a group.
	Lifecycle string
	// TerminatedAt is when it became terminated; EC2 keeps listing a
	// terminated instance for Options.TerminatedTTL after.
	TerminatedAt time.Time
	// Reason says why the instance stopped or terminated ("launch failed:
	// …", "user request"), as EC2's stateReason.
	Reason string
}

func (i Instance) clone() Instance {
	i.Tags = maps.Clone(i.Tags)
	if i.Tags == nil {
		i.Tags = map[string]string{}
	}
	return i
}

// instance is the fake's record of an Instance.
type instance struct {
	Instance
	seq         int    // creation order: listings and page tokens follow it
	reservation string // r-…, one per instance (groups launch one at a time)
	failed      bool   // its launch failed
}

// active says whether an instance counts toward its group's capacity.
func (i *instance) active() bool {
	return i.Group != "" && (i.Lifecycle == LifecyclePending || i.Lifecycle == LifecycleInService)
}

// Adopt describes a machine that already runs, for AddInstance or
// GroupSpec.Instances: it becomes a running instance (InService when in
// a group) without Machines.Launch being called.
type Adopt struct {
	// ID: empty for a new i-… id.
	ID        string
	PrivateIP string
	PublicIP  string
	// AZ: empty for the group's least used zone (or the region's "a").
	AZ string
	// Tags are the instance's own; a group's propagated tags and
	// aws:autoscaling:groupName are added.
	Tags map[string]string
	// LaunchTime: zero for now.
	LaunchTime time.Time
}

// Instances returns every instance EC2 would still list (terminated ones
// for Options.TerminatedTTL), in launch order.
func (f *Fake) Instances() []Instance {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []Instance{}
	for _, in := range f.sortedInstances() {
		out = append(out, in.clone())
	}
	return out
}

// Instance returns the instance id, and whether EC2 still lists it.
func (f *Fake) Instance(id string) (Instance, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pruneTerminated()
	in, ok := f.instances[id]
	if !ok {
		return Instance{}, false
	}
	return in.clone(), true
}

// SetTags sets tags of instance id (an empty value is a tag with an empty
// value, as in EC2), as CreateTags does.
func (f *Fake) SetTags(id string, tags map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.instances[id]
	if !ok {
		return fmt.Errorf("instance %q: %w", id, ErrNotFound)
	}
	maps.Copy(in.Tags, tags)
	return nil
}

// AddInstance adopts a running machine: as an instance of group (empty
// for none), InService at once. In a group it is Auto Scaling's
// AttachInstances: the desired capacity grows by one, refused above the
// group's max.
func (f *Fake) AddInstance(group string, a Adopt) (Instance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if group != "" {
		g, ok := f.groups[group]
		if !ok {
			return Instance{}, fmt.Errorf("group %q: %w", group, ErrNotFound)
		}
		if g.Desired+1 > g.Max {
			return Instance{}, fmt.Errorf("group %q: attaching an instance would exceed its max size %d", group, g.Max)
		}
		g.Desired++
	}
	in := f.adopt(group, a)
	return in.clone(), nil
}

// adopt records a running machine; f.mu held.
func (f *Fake) adopt(group string, a Adopt) *instance {
	in := f.newInstance(group, a.AZ, a.Tags)
	if a.ID != "" {
		delete(f.instances, in.ID)
		in.ID = a.ID
		f.instances[in.ID] = in
	}
	if !a.LaunchTime.IsZero() {
		in.LaunchTime = a.LaunchTime
	}
	in.State, in.PrivateIP, in.PublicIP = StateRunning, a.PrivateIP, a.PublicIP
	if group != "" {
		in.Lifecycle = LifecycleInService
	}
	return in
}

// newInstance records a pending instance, in group when not empty, with
// the group's propagated tags and zone; f.mu held.
func (f *Fake) newInstance(group, az string, tags map[string]string) *instance {
	f.seq++
	in := &instance{seq: f.seq, reservation: "r-" + randHex(17)}
	in.ID = "i-" + randHex(17)
	in.State = StatePending
	in.LaunchTime = f.now()
	in.InstanceType, in.ImageID = "t3.medium", "ami-0fa4e0000000000fa"
	in.Tags = map[string]string{}
	if g := f.groups[group]; g != nil {
		maps.Copy(in.Tags, g.Tags)
		in.Tags[GroupTag] = g.Name
		in.Group, in.Lifecycle = g.Name, LifecyclePending
		in.InstanceType = g.InstanceType
		if az == "" {
			az = f.leastUsedZone(g)
		}
	}
	maps.Copy(in.Tags, tags)
	if az == "" {
		az = f.opts.Region + "a"
	}
	in.AZ = az
	f.instances[in.ID] = in
	return in
}

// sortedInstances lists the instances EC2 still shows, in launch order;
// f.mu held.
func (f *Fake) sortedInstances() []*instance {
	f.pruneTerminated()
	out := slices.Collect(maps.Values(f.instances))
	slices.SortFunc(out, func(a, b *instance) int { return a.seq - b.seq })
	return out
}

// pruneTerminated forgets instances terminated longer ago than
// Options.TerminatedTTL; f.mu held.
func (f *Fake) pruneTerminated() {
	now := f.now()
	for id, in := range f.instances {
		if in.State == StateTerminated && now.Sub(in.TerminatedAt) > f.opts.TerminatedTTL {
			delete(f.instances, id)
		}
	}
}
