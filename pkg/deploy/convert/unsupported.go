package convert

import (
	"fmt"
	"maps"
	"slices"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
)

// rejected lists the service keys swarm cannot honour and that change what
// runs if dropped; see the package doc for those ignored instead.
var rejected = []struct {
	key string
	set func(s *types.ServiceConfig) bool
	why string
}{
	{"privileged", func(s *types.ServiceConfig) bool { return s.Privileged }, "swarm services cannot run privileged; add the capabilities needed with cap_add"},
	{"network_mode", func(s *types.ServiceConfig) bool { return s.NetworkMode != "" || s.Net != "" }, "swarm services attach to networks; use `networks`"},
	{"devices", func(s *types.ServiceConfig) bool { return len(s.Devices) > 0 || len(s.DeviceCgroupRules) > 0 }, "swarm services cannot map host devices"},
	{"gpus", func(s *types.ServiceConfig) bool { return len(s.Gpus) > 0 }, "swarm services cannot request GPUs; reserve them as deploy.resources.reservations.generic_resources"},
	{"pid", func(s *types.ServiceConfig) bool { return s.Pid != "" }, "swarm services cannot share a PID namespace"},
	{"ipc", func(s *types.ServiceConfig) bool { return s.Ipc != "" }, "swarm services cannot share an IPC namespace"},
	{"uts", func(s *types.ServiceConfig) bool { return s.Uts != "" }, "swarm services cannot share a UTS namespace"},
	{"userns_mode", func(s *types.ServiceConfig) bool { return s.UserNSMode != "" }, "not supported by swarm services"},
	{"cgroup", func(s *types.ServiceConfig) bool { return s.Cgroup != "" || s.CgroupParent != "" }, "not supported by swarm services"},
	{"volumes_from", func(s *types.ServiceConfig) bool { return len(s.VolumesFrom) > 0 }, "swarm services cannot share another container's volumes; mount a named volume in both"},
	{"shm_size", func(s *types.ServiceConfig) bool { return s.ShmSize != 0 }, "not supported by swarm services; mount a volume of type tmpfs on /dev/shm"},
	{"post_start", func(s *types.ServiceConfig) bool { return len(s.PostStart) > 0 || len(s.PreStart) > 0 }, "swarm runs no lifecycle hooks"},
	{"pre_stop", func(s *types.ServiceConfig) bool { return len(s.PreStop) > 0 }, "swarm runs no lifecycle hooks"},
	{"provider", func(s *types.ServiceConfig) bool { return s.Provider != nil }, "provider services are not containers; swarm cannot run them"},
	{"models", func(s *types.ServiceConfig) bool { return len(s.Models) > 0 }, "swarm services cannot use models"},
	{"blkio_config", func(s *types.ServiceConfig) bool { return s.BlkioConfig != nil }, "not supported by swarm services"},
	{"cpu tuning (cpu_shares, cpu_quota, cpu_period, cpuset, cpu_count, cpu_percent, cpu_rt_*)", cpuTuning, "not supported by swarm services; use deploy.resources"},
	{"memswap_limit", func(s *types.ServiceConfig) bool { return s.MemSwapLimit != 0 || s.MemSwappiness != 0 }, "not supported by swarm services"},
	{"oom_kill_disable", func(s *types.ServiceConfig) bool { return s.OomKillDisable }, "not supported by swarm services"},
	{"storage_opt", func(s *types.ServiceConfig) bool { return len(s.StorageOpt) > 0 }, "not supported by swarm services"},
	{"runtime", func(s *types.ServiceConfig) bool { return s.Runtime != "" }, "not supported by swarm services"},
	{"credential_spec", func(s *types.ServiceConfig) bool { return s.CredentialSpec != nil }, "Windows credential specs are not supported by gazr"},
	{"mac_address", func(s *types.ServiceConfig) bool { return s.MacAddress != "" }, "swarm assigns addresses itself"},
	{"domainname", func(s *types.ServiceConfig) bool { return s.DomainName != "" }, "not supported by swarm services"},
	{"use_api_socket", func(s *types.ServiceConfig) bool { return s.UseAPISocket }, "not supported by swarm services"},
}

// cpuTuning tells whether s sets CPU keys that swarm has no field for.
func cpuTuning(s *types.ServiceConfig) bool {
	return s.CPUShares != 0 || s.CPUQuota != 0 || s.CPUPeriod != 0 || s.CPUSet != "" ||
		s.CPUCount != 0 || s.CPUPercent != 0 || s.CPURTPeriod != 0 || s.CPURTRuntime != 0
}

// unsupported returns an error naming the first key of service s of p that
// swarm cannot honour, or nil; a *compose.Error at the key's line when it
// is one key.
func unsupported(p *types.Project, s types.ServiceConfig) error {
	for _, r := range rejected {
		if r.set(&s) {
			return compose.KeyError(p, "services."+s.Name+"."+r.key, fmt.Sprintf("service %q: %s: %s", s.Name, r.key, r.why))
		}
	}
	for _, dep := range slices.Sorted(maps.Keys(s.DependsOn)) {
		if s.DependsOn[dep].Condition == types.ServiceConditionCompletedSuccessfully {
			return fmt.Errorf("depends_on.%s: condition %s needs a container that runs once, and swarm restarts services; run %s as a gazr verb before deploying",
				dep, types.ServiceConditionCompletedSuccessfully, dep)
		}
	}
	return nil
}
