package convert

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/swarm"
)

// Defaults of the conversion (see the package doc).
const (
	// DefaultMonitor is how long swarm watches an updated task before it
	// counts the update of that task as a success.
	DefaultMonitor = 15 * time.Second
	// DefaultRestartDelay is the wait before a task is restarted.
	DefaultRestartDelay = 5 * time.Second
	// DefaultStopGracePeriod is the wait between SIGTERM and SIGKILL.
	DefaultStopGracePeriod = 10 * time.Second
)

// deployOf returns the deploy section of s, empty when it has none.
func deployOf(s types.ServiceConfig) types.DeployConfig {
	if s.Deploy == nil {
		return types.DeployConfig{}
	}
	return *s.Deploy
}

// mode returns the service mode of s and its replica count.
func (c *converter) mode(s types.ServiceConfig) (swarm.ServiceMode, error) {
	d := deployOf(s)
	override, overridden := c.o.Replicas[s.Name]
	switch d.Mode {
	case "global":
		if overridden || d.Replicas != nil {
			return swarm.ServiceMode{}, errors.New("deploy.mode global: a global service runs one task per node and takes no replicas")
		}
		return swarm.ServiceMode{Global: &swarm.GlobalService{}}, nil
	case "", "replicated":
	default:
		return swarm.ServiceMode{}, fmt.Errorf("deploy.mode %q: gazr deploys replicated and global services only", d.Mode)
	}
	replicas := uint64(1)
	switch {
	case overridden:
		replicas = override
	case d.Replicas != nil:
		replicas = uint64(*d.Replicas)
	case s.Scale != nil:
		replicas = uint64(*s.Scale)
	}
	// A service scaled to 0 is off on purpose: the HA floor leaves it off.
	if replicas > 0 && replicas < c.o.MinReplicas {
		replicas = c.o.MinReplicas
	}
	return swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &replicas}}, nil
}

// updateConfig returns def overridden field by field by the compose
// update_config (or rollback_config) u.
func updateConfig(def swarm.UpdateConfig, u *types.UpdateConfig) *swarm.UpdateConfig {
	if u != nil {
		if u.Parallelism != nil {
			def.Parallelism = *u.Parallelism
		}
		def.Delay = cmp.Or(time.Duration(u.Delay), def.Delay)
		def.FailureAction = cmp.Or(swarm.FailureAction(u.FailureAction), def.FailureAction)
		def.Monitor = cmp.Or(time.Duration(u.Monitor), def.Monitor)
		def.MaxFailureRatio = cmp.Or(u.MaxFailureRatio, def.MaxFailureRatio)
		def.Order = cmp.Or(swarm.UpdateOrder(u.Order), def.Order)
	}
	return &def
}

// updateConfigs returns the update and rollback configs of s.
func updateConfigs(s types.ServiceConfig) (update, rollback *swarm.UpdateConfig) {
	order := swarm.UpdateOrderStartFirst
	if publishesFixedPort(s) {
		order = swarm.UpdateOrderStopFirst
	}
	d := deployOf(s)
	update = updateConfig(swarm.UpdateConfig{
		Parallelism: 1, Order: order, FailureAction: swarm.UpdateFailureActionRollback, Monitor: DefaultMonitor,
	}, d.UpdateConfig)
	rollback = updateConfig(swarm.UpdateConfig{
		Parallelism: 1, Order: order, FailureAction: swarm.UpdateFailureActionPause, Monitor: DefaultMonitor,
	}, d.RollbackConfig)
	return update, rollback
}

// restartPolicy returns the restart policy of s: the defaults, overridden
// by deploy.restart_policy or else by `restart`.
func restartPolicy(s types.ServiceConfig) (*swarm.RestartPolicy, error) {
	delay := DefaultRestartDelay
	rp := &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionAny, Delay: &delay}
	if p := deployOf(s).RestartPolicy; p != nil {
		if p.Condition != "" {
			rp.Condition = swarm.RestartPolicyCondition(p.Condition)
		}
		if p.Delay != nil {
			*rp.Delay = time.Duration(*p.Delay)
		}
		rp.MaxAttempts = p.MaxAttempts
		if p.Window != nil {
			w := time.Duration(*p.Window)
			rp.Window = &w
		}
		return rp, nil
	}
	name, attempts, _ := strings.Cut(s.Restart, ":")
	switch name {
	case "", types.RestartPolicyAlways, types.RestartPolicyUnlessStopped:
	case types.RestartPolicyNo:
		rp.Condition = swarm.RestartPolicyConditionNone
	case types.RestartPolicyOnFailure:
		rp.Condition = swarm.RestartPolicyConditionOnFailure
		if attempts != "" {
			n, err := strconv.ParseUint(attempts, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("restart %q: bad attempt count", s.Restart)
			}
			rp.MaxAttempts = &n
		}
	default:
		return nil, fmt.Errorf("restart %q: want no, always, on-failure[:N] or unless-stopped", s.Restart)
	}
	return rp, nil
}

// resources returns the limits and reservations of s, from deploy.resources
// or else the service-level cpus, mem_limit, pids_limit, mem_reservation
// (compose-go has checked that both agree); nil when there are none.
func resources(s types.ServiceConfig) (*swarm.ResourceRequirements, error) {
	var lim, res types.Resource
	if r := deployOf(s).Resources; r.Limits != nil {
		lim = *r.Limits
	}
	if r := deployOf(s).Resources; r.Reservations != nil {
		res = *r.Reservations
	}
	lim.NanoCPUs = cmp.Or(lim.NanoCPUs, types.NanoCPUs(s.CPUS))
	lim.MemoryBytes = cmp.Or(lim.MemoryBytes, s.MemLimit)
	lim.Pids = cmp.Or(lim.Pids, s.PidsLimit)
	res.MemoryBytes = cmp.Or(res.MemoryBytes, s.MemReservation)
	if len(lim.Devices) > 0 || len(res.Devices) > 0 {
		return nil, errors.New("deploy.resources devices: swarm services cannot reserve devices")
	}
	out := &swarm.ResourceRequirements{}
	if lim.NanoCPUs != 0 || lim.MemoryBytes != 0 || lim.Pids != 0 {
		out.Limits = &swarm.Limit{NanoCPUs: nanoCPUs(lim.NanoCPUs), MemoryBytes: int64(lim.MemoryBytes), Pids: lim.Pids}
	}
	if res.NanoCPUs != 0 || res.MemoryBytes != 0 || len(res.GenericResources) > 0 {
		out.Reservations = &swarm.Resources{NanoCPUs: nanoCPUs(res.NanoCPUs), MemoryBytes: int64(res.MemoryBytes)}
		for _, g := range res.GenericResources {
			if d := g.DiscreteResourceSpec; d != nil {
				out.Reservations.GenericResources = append(out.Reservations.GenericResources,
					swarm.GenericResource{DiscreteResourceSpec: &swarm.DiscreteGenericResource{Kind: d.Kind, Value: d.Value}})
			}
		}
	}
	if out.Limits == nil && out.Reservations == nil {
		return nil, nil
	}
	return out, nil
}

// nanoCPUs converts a CPU count to billionths of a CPU. compose-go keeps it
// as a float32: going through its shortest decimal form keeps 0.1 from
// becoming 100000001.
func nanoCPUs(n types.NanoCPUs) int64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(n), 'g', -1, 32), 64)
	return int64(math.Round(f * 1e9))
}

// placement returns the placement of s; nil when it has none.
func placement(s types.ServiceConfig) *swarm.Placement {
	p := deployOf(s).Placement
	if len(p.Constraints) == 0 && len(p.Preferences) == 0 && p.MaxReplicas == 0 {
		return nil
	}
	out := &swarm.Placement{Constraints: p.Constraints, MaxReplicas: p.MaxReplicas}
	for _, pref := range p.Preferences {
		out.Preferences = append(out.Preferences, swarm.PlacementPreference{Spread: &swarm.SpreadOver{SpreadDescriptor: pref.Spread}})
	}
	return out
}
