package awsfake

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Termination policies (GroupSpec.TerminationPolicy): which instances a
// group terminates first when it has more than its desired capacity.
const (
	NewestInstance = "NewestInstance"
	OldestInstance = "OldestInstance"
)

// GroupSpec is an Auto Scaling group for AddGroup.
type GroupSpec struct {
	Name              string
	Min, Max, Desired int
	// Tags are propagated at launch (PropagateAtLaunch=true) to the
	// instances the group launches, with aws:autoscaling:groupName.
	Tags map[string]string
	// AZs are the group's zones; empty for the region's "a" and "b". A
	// launch goes to the zone with the fewest active instances.
	AZs []string
	// TerminationPolicy: NewestInstance (the default) or OldestInstance.
	// AWS's Default policy (balance zones, oldest launch template, next
	// billing hour) is not modelled.
	TerminationPolicy string
	// InstanceType: empty for t3.medium.
	InstanceType string
	// Instances are running machines adopted into the group (InService);
	// they count toward Desired, which is not changed.
	Instances []Adopt
}

// Group is an Auto Scaling group, as the fake's methods return it.
type Group struct {
	Name              string
	Min, Max, Desired int
	Tags              map[string]string
	AZs               []string
	TerminationPolicy string
	InstanceType      string
	Created           time.Time
	// InstanceIDs are its instances not yet terminated, in launch order.
	InstanceIDs []string
	Scheduled   []ScheduledAction
}

// group is the fake's record of a Group.
type group struct {
	Group
	arnID   string // the UUID in its ARN
	actions map[string]*action
}

// ErrNotFound is wrapped by the Go API's errors for an unknown instance,
// group or action.
var ErrNotFound = errors.New("not found")

// AddGroup creates an Auto Scaling group, with its adopted instances.
// Nothing is launched until the reconciler runs (Reconcile, or the
// Options.ReconcileEvery ticker).
func (f *Fake) AddGroup(spec GroupSpec) error {
	if spec.Name == "" {
		return errors.New("awsfake: a group needs a name")
	}
	if spec.Min < 0 || spec.Min > spec.Max || spec.Desired < spec.Min || spec.Desired > spec.Max {
		return fmt.Errorf("awsfake: group %q: want 0 <= min (%d) <= desired (%d) <= max (%d)", spec.Name, spec.Min, spec.Desired, spec.Max)
	}
	if len(spec.AZs) == 0 {
		spec.AZs = []string{f.opts.Region + "a", f.opts.Region + "b"}
	}
	if spec.TerminationPolicy == "" {
		spec.TerminationPolicy = NewestInstance
	}
	if spec.TerminationPolicy != NewestInstance && spec.TerminationPolicy != OldestInstance {
		return fmt.Errorf("awsfake: group %q: unknown termination policy %q", spec.Name, spec.TerminationPolicy)
	}
	if spec.InstanceType == "" {
		spec.InstanceType = "t3.medium"
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.groups[spec.Name]; ok {
		return fmt.Errorf("awsfake: group %q already exists", spec.Name)
	}
	g := &group{arnID: newUUID(), actions: map[string]*action{}}
	g.Group = Group{
		Name: spec.Name, Min: spec.Min, Max: spec.Max, Desired: spec.Desired,
		Tags: maps.Clone(spec.Tags), AZs: slices.Clone(spec.AZs),
		TerminationPolicy: spec.TerminationPolicy, InstanceType: spec.InstanceType,
		Created: f.now(),
	}
	if g.Tags == nil {
		g.Tags = map[string]string{}
	}
	f.groups[spec.Name] = g
	for _, a := range spec.Instances {
		f.adopt(spec.Name, a)
	}
	return nil
}

// Groups returns the Auto Scaling groups, by name.
func (f *Fake) Groups() []Group {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []Group{}
	for _, name := range slices.Sorted(maps.Keys(f.groups)) {
		out = append(out, f.groupView(f.groups[name]))
	}
	return out
}

// Group returns the Auto Scaling group name, and whether it exists.
func (f *Fake) Group(name string) (Group, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[name]
	if !ok {
		return Group{}, false
	}
	return f.groupView(g), true
}

// groupView copies g with its instances and actions; f.mu held.
func (f *Fake) groupView(g *group) Group {
	v := g.Group
	v.Tags, v.AZs = maps.Clone(g.Tags), slices.Clone(g.AZs)
	v.InstanceIDs = nil
	for _, in := range f.members(g.Name) {
		v.InstanceIDs = append(v.InstanceIDs, in.ID)
	}
	v.Scheduled = nil
	for _, name := range slices.Sorted(maps.Keys(g.actions)) {
		v.Scheduled = append(v.Scheduled, f.actionView(g.actions[name]))
	}
	return v
}

// members are the instances of group name that Auto Scaling still lists
// (not Terminated), in launch order; f.mu held.
func (f *Fake) members(name string) []*instance {
	var out []*instance
	for _, in := range f.sortedInstances() {
		if in.Group == name && in.Lifecycle != LifecycleTerminated && in.Lifecycle != "" {
			out = append(out, in)
		}
	}
	return out
}

// leastUsedZone is the first of g's zones with the fewest active
// instances; f.mu held.
func (f *Fake) leastUsedZone(g *group) string {
	count := map[string]int{}
	for _, in := range f.instances {
		if in.Group == g.Name && in.active() {
			count[in.AZ]++
		}
	}
	best := g.AZs[0]
	for _, az := range g.AZs {
		if count[az] < count[best] {
			best = az
		}
	}
	return best
}

// SetDesired sets a group's desired capacity, as SetDesiredCapacity
// does: refused outside its min and max; the reconciler then launches or
// terminates (at once with a background reconciler, else at Reconcile).
func (f *Fake) SetDesired(name string, desired int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[name]
	if !ok {
		return fmt.Errorf("group %q: %w", name, ErrNotFound)
	}
	if desired < g.Min || desired > g.Max {
		return fmt.Errorf("awsfake: group %q: desired capacity %d outside min %d and max %d", name, desired, g.Min, g.Max)
	}
	g.Desired = desired
	f.kickReconciler()
	return nil
}
