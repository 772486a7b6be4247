package deploy

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/schedule"
)

// variables are the interpolation variables of the compose files: the
// caller's (Options.Environ), with the env's [env.X].vars over them.
func variables(caller map[string]string, env *config.Environment) map[string]string {
	m := make(map[string]string, len(caller)+len(env.Vars))
	maps.Copy(m, caller)
	maps.Copy(m, env.Vars)
	return m
}

// checkRegistry refuses to deploy built images to a multi-node swarm
// without a registry: the other nodes could not pull them.
func checkRegistry(ctx context.Context, o Options, api SwarmAPI, p *types.Project, reg Registry) error {
	if reg.Host != "" || !HasBuild(p) {
		return nil
	}
	if o.Backend.Properties().NeedsRegistry {
		return fmt.Errorf("env %s: the %s backend needs a registry for built images: set registry = \"…\" in [env.%s]", o.Env.Name, o.Backend.Name(), o.Env.Name)
	}
	nodes, err := ListNodes(ctx, api)
	if err != nil {
		return err
	}
	if len(nodes) > 1 {
		return fmt.Errorf("env %s: the swarm has %d nodes and built images stay on this engine unless pushed: set registry = \"…\" in [env.%s]", o.Env.Name, len(nodes), o.Env.Name)
	}
	return nil
}

// convertStack converts the project for the env, reading secret contents
// from the sources the env names.
func convertStack(p *types.Project, o Options, refs map[string]string, version string, secretKey []byte) (*convert.Stack, error) {
	secrets, err := secretData(p, o.Config.Root, o.Env)
	if err != nil {
		return nil, err
	}
	// The schedule's entry in force sets its services' replicas: a deploy
	// keeps what the agent applied (3 at night, 25 by day).
	sched, err := schedule.Compile(o.Env.Schedule)
	if err != nil {
		return nil, fmt.Errorf("env %s: %w", o.Env.Name, err)
	}
	// Every entry's services, not only those of the entry in force: a
	// deploy does not fail at 07:00 on a name that was wrong all along.
	for i, e := range o.Env.Schedule {
		for _, svc := range slices.Sorted(maps.Keys(e.Replicas)) {
			if _, ok := p.Services[svc]; !ok {
				key := "env." + o.Env.Name + ".schedule"
				return nil, &config.Error{Path: o.Config.Path, Pos: o.Config.Pos[key],
					Msg: fmt.Sprintf("%s[%d].replicas names %q, which is no service of the compose file (services: %s)", key, i, svc, strings.Join(p.ServiceNames(), ", "))}
			}
		}
	}
	st, err := convert.Convert(p, convert.Options{
		Project: o.Config.Name, Env: o.Env.Name, Version: version, Images: refs,
		Replicas: sched.Replicas(o.Env.Replicas, schedule.Now()), MinReplicas: o.Env.MinReplicas, Domain: o.Env.Domain,
		SecretData: secrets, SecretKey: secretKey, Now: time.Now(), DeployedBy: whoami(),
	})
	if err != nil {
		return nil, fmt.Errorf("convert compose file for env %s: %w", o.Env.Name, err)
	}
	if err := applyResources(st, o.Env); err != nil {
		// Each is a mistake in the env's resources table: a config error.
		key := "env." + o.Env.Name + ".resources"
		return nil, &config.Error{Path: o.Config.Path, Pos: o.Config.Pos[key], Msg: err.Error()}
	}
	return st, nil
}

// applyResources sets the limits the env gives per service, over the
// compose file's.
func applyResources(st *convert.Stack, env *config.Environment) error {
	for svc, r := range env.Resources {
		name := st.Namespace + "_" + svc
		i := slices.IndexFunc(st.Services, func(s swarm.ServiceSpec) bool { return s.Name == name })
		if i < 0 {
			return fmt.Errorf("env.%s.resources.%s: no such service in the compose file", env.Name, svc)
		}
		tt := &st.Services[i].TaskTemplate
		if tt.Resources == nil {
			tt.Resources = &swarm.ResourceRequirements{}
		}
		if tt.Resources.Limits == nil {
			tt.Resources.Limits = &swarm.Limit{}
		}
		if r.CPUs != "" {
			cpus, err := strconv.ParseFloat(r.CPUs, 64)
			if err != nil || cpus <= 0 {
				return fmt.Errorf("env.%s.resources.%s.cpus %q is not a positive number of CPUs", env.Name, svc, r.CPUs)
			}
			tt.Resources.Limits.NanoCPUs = int64(cpus * 1e9)
		}
		if r.Memory != "" {
			mem, err := units.RAMInBytes(r.Memory)
			if err != nil || mem <= 0 {
				return fmt.Errorf("env.%s.resources.%s.memory %q is not a size (e.g. \"256M\")", env.Name, svc, r.Memory)
			}
			tt.Resources.Limits.MemoryBytes = mem
		}
	}
	return nil
}

// secretData reads each secret of the compose file: from the env's source
// when it names one, else from the compose file's own file/environment.
func secretData(p *types.Project, root string, env *config.Environment) (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, def := range p.Secrets {
		if bool(def.External) {
			continue
		}
		src, ok := env.Secrets[name]
		switch {
		case ok && src.Env != "":
			v, set := os.LookupEnv(src.Env)
			if !set {
				return nil, fmt.Errorf("secret %s: environment variable %s is not set (env.%s.secrets)", name, src.Env, env.Name)
			}
			out[name] = []byte(v)
		case ok:
			path := src.File
			if !filepath.IsAbs(path) {
				path = filepath.Join(root, path)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("secret %s: %w (env.%s.secrets)", name, err, env.Name)
			}
			out[name] = b
		case def.Environment != "":
			out[name] = []byte(os.Getenv(def.Environment))
		case def.File != "":
			b, err := os.ReadFile(def.File)
			if err != nil {
				return nil, fmt.Errorf("secret %s: %w", name, err)
			}
			out[name] = b
		}
	}
	return out, nil
}

// HasBuild reports whether a service of the project has a build section.
func HasBuild(p *types.Project) bool {
	for _, s := range p.Services {
		if s.Build != nil {
			return true
		}
	}
	return false
}

// versionOf is the version the stack's services run now, "" when none.
func versionOf(services []swarm.Service) string {
	for _, s := range services {
		if v := s.Spec.Labels[convert.LabelVersion]; v != "" {
			return v
		}
	}
	return ""
}

// VersionOf is the version a stack's services run now, "" when none.
func VersionOf(services []swarm.Service) string { return versionOf(services) }
