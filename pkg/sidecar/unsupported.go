package sidecar

import (
	"fmt"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
)

// rejected lists the service keys a sidecar cannot honour and that would
// change what runs if they were dropped. Keys that only matter elsewhere
// (deploy, scale, container_name: gazr names the container) are ignored.
var rejected = []struct {
	key string
	set func(s *types.ServiceConfig) bool
	why string
}{
	{"network_mode", func(s *types.ServiceConfig) bool { return s.NetworkMode != "" || s.Net != "" },
		"sidecars join the project's network gazr-<project>, where steps find them by name"},
	{"volumes_from", func(s *types.ServiceConfig) bool { return len(s.VolumesFrom) > 0 }, "mount a named volume in both services instead"},
	{"pid", func(s *types.ServiceConfig) bool { return s.Pid != "" }, "not supported by gazr's sidecars"},
	{"ipc", func(s *types.ServiceConfig) bool { return s.Ipc != "" }, "not supported by gazr's sidecars"},
	{"devices", func(s *types.ServiceConfig) bool { return len(s.Devices) > 0 || len(s.DeviceCgroupRules) > 0 }, "not supported by gazr's sidecars"},
	{"gpus", func(s *types.ServiceConfig) bool { return len(s.Gpus) > 0 }, "not supported by gazr's sidecars"},
	{"post_start", func(s *types.ServiceConfig) bool { return len(s.PostStart) > 0 || len(s.PreStart) > 0 }, "gazr runs no lifecycle hooks"},
	{"pre_stop", func(s *types.ServiceConfig) bool { return len(s.PreStop) > 0 }, "gazr runs no lifecycle hooks"},
	{"provider", func(s *types.ServiceConfig) bool { return s.Provider != nil }, "provider services are not containers"},
	{"models", func(s *types.ServiceConfig) bool { return len(s.Models) > 0 }, "not supported by gazr's sidecars"},
}

// unsupported returns an error naming the first key of service s of p that
// a sidecar cannot honour, or nil. It is a *compose.Error at the key's
// line: a configuration error.
func unsupported(p *types.Project, s types.ServiceConfig) error {
	for _, r := range rejected {
		if r.set(&s) {
			return compose.KeyError(p, "services."+s.Name+"."+r.key, fmt.Sprintf("service %s: %s: %s", s.Name, r.key, r.why))
		}
	}
	return nil
}
