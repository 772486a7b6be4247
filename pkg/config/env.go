package config

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Environment is one [env.<name>] table: where and how `gazr deploy
// --env <name>` ships the project. An environment named "local" always
// exists, on the local engine's swarm, even when the file does not declare
// it.
type Environment struct {
	Name string
	// Backend runs the env's swarm: "local" (default), "aws", "proxmox".
	Backend string
	// Manager is the swarm manager's endpoint: "unix://…", "ssh://user@host"
	// or "tcp://host:2376" (TLS). Default: the backend's (local: DOCKER_HOST).
	Manager string
	// TLS holds client certificate paths for a tcp:// manager.
	TLS TLS
	// Insecure allows a plain, unauthenticated tcp:// manager.
	Insecure bool
	// Registry receives the images ("registry.example.com[:port]"); empty:
	// images stay on the engine that built them (single-node swarms only).
	Registry string
	// Domain routes each service at <service>-<env>.<domain>.
	Domain string
	// Confirm asks before deploying unless --yes. Default: true for
	// production-like names (prod, production, live), false otherwise.
	Confirm bool
	// MinReplicas is the HA floor for replicated services. Default: 1.
	MinReplicas uint64
	// Replicas overrides per-service replica counts.
	Replicas map[string]uint64
	// Resources overrides per-service limits ({ cpus = "0.5", memory = "256M" }).
	Resources map[string]Resources
	// Vars are variables for compose interpolation (${NAME} in compose files).
	Vars map[string]string
	// Secrets gives each compose secret its source.
	Secrets map[string]SecretSource
	// Timeout bounds waiting for a rollout to converge. Default: 5m.
	Timeout time.Duration
	// EdgePort is the host port of the local edge proxy. Default: 80.
	EdgePort int
	// AWS is the [env.<name>.aws] table, only with backend = "aws".
	AWS *AWS `json:",omitempty"`
	// Proxmox is the [env.<name>.proxmox] table, only with backend =
	// "proxmox".
	Proxmox *Proxmox `json:",omitempty"`
	// Chaos is the [env.<name>.chaos] table (defaults without one).
	Chaos Chaos
	// Schedule are the [[env.<name>.schedule]] entries: replicas by time
	// of day, applied by gazr's agent in the cluster.
	Schedule []ReplicaSchedule `json:",omitempty"`
}

// TLS are paths to PEM files.
type TLS struct{ CA, Cert, Key string }

// Resources are a service's limits.
type Resources struct{ CPUs, Memory string }

// SecretSource says where a secret's content comes from: a file (relative
// to the project root) or an environment variable of gazr's process.
type SecretSource struct{ File, Env string }

// Backends known to gazr.
var Backends = []string{"local", "aws", "proxmox"}

var envKeys = []string{"backend", "manager", "tls", "insecure", "registry", "domain", "confirm",
	"min_replicas", "replicas", "resources", "vars", "secrets", "timeout", "edge_port",
	"aws", "proxmox", "chaos", "schedule"}

// LocalEnv is the implicit "local" environment.
func LocalEnv() *Environment {
	return &Environment{Name: "local", Backend: "local", MinReplicas: 1, Timeout: 5 * time.Minute, EdgePort: 80, Chaos: DefaultChaos()}
}

func defaultConfirm(name string) bool {
	switch strings.ToLower(name) {
	case "prod", "production", "live":
		return true
	}
	return strings.HasPrefix(strings.ToLower(name), "prod")
}

func (d *decoder) envs(key []string, v any) (map[string]*Environment, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "env must be a table of environments ([env.staging]), not %s", tomlType(v))
	}
	out := map[string]*Environment{}
	for _, name := range sortedKeys(table) {
		ekey := append(key[:1:1], name)
		if !nameRE.MatchString(name) {
			return nil, d.errorf(ekey, "environment name %q must be lower-case letters, digits, '-', '_' or '.'", name)
		}
		e, err := d.env1(ekey, name, table[name])
		if err != nil {
			return nil, err
		}
		out[name] = e
		d.seen(ekey)
	}
	return out, nil
}

func (d *decoder) env1(key []string, name string, v any) (*Environment, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a table, not %s", strings.Join(key, "."), tomlType(v))
	}
	e := LocalEnv()
	e.Name, e.Confirm = name, defaultConfirm(name)
	if name == "local" {
		e.Domain = "localhost"
	}
	for _, k := range sortedKeys(table) {
		if err := d.envField(e, append(key[:len(key):len(key)], k), table[k]); err != nil {
			return nil, err
		}
	}
	if err := d.backendTables(key, e); err != nil {
		return nil, err
	}
	return e, nil
}

func (d *decoder) envField(e *Environment, key []string, v any) error {
	var err error
	k := key[len(key)-1]
	switch k {
	case "backend":
		e.Backend, err = d.nonEmpty(key, v)
		if err == nil && !contains(Backends, e.Backend) {
			err = d.errorf(key, "unknown backend %q%s (known: %s)", e.Backend, didYouMean(e.Backend, Backends), strings.Join(Backends, ", "))
		}
	case "manager":
		e.Manager, err = d.manager(key, v)
	case "tls":
		e.TLS, err = d.tls(key, v)
	case "insecure":
		e.Insecure, err = d.boolean(key, v)
	case "registry":
		e.Registry, err = d.nonEmpty(key, v)
	case "domain":
		e.Domain, err = d.nonEmpty(key, v)
	case "confirm":
		e.Confirm, err = d.boolean(key, v)
	case "min_replicas":
		e.MinReplicas, err = d.count(key, v)
	case "replicas":
		e.Replicas, err = d.counts(key, v)
	case "resources":
		e.Resources, err = d.resources(key, v)
	case "vars":
		e.Vars, err = d.env(key, v)
	case "secrets":
		e.Secrets, err = d.secrets(key, v)
	case "timeout":
		e.Timeout, err = d.duration(key, v)
	case "aws":
		e.AWS, err = d.aws(key, v)
	case "proxmox":
		e.Proxmox, err = d.proxmox(key, v)
	case "chaos":
		e.Chaos, err = d.chaos(key, v)
	case "schedule":
		e.Schedule, err = d.replicaSchedule(key, v)
	case "edge_port":
		var n uint64
		n, err = d.count(key, v)
		if err == nil && (n == 0 || n > 65535) {
			err = d.errorf(key, "%s must be a port number (1-65535)", strings.Join(key, "."))
		}
		e.EdgePort = int(n)
	default:
		err = d.errorf(key, "unknown key %q in %s%s", k, strings.Join(key[:len(key)-1], "."), didYouMean(k, envKeys))
	}
	if err == nil {
		d.seen(key)
	}
	return err
}

func (d *decoder) manager(key []string, v any) (string, error) {
	s, err := d.nonEmpty(key, v)
	if err != nil {
		return "", err
	}
	for _, scheme := range []string{"unix://", "ssh://", "tcp://", "npipe://"} {
		if strings.HasPrefix(s, scheme) {
			return s, nil
		}
	}
	return "", d.errorf(key, "%s %q must start with unix://, ssh:// or tcp://", strings.Join(key, "."), s)
}

func (d *decoder) boolean(key []string, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, d.errorf(key, "%s must be true or false, not %s", strings.Join(key, "."), tomlType(v))
	}
	return b, nil
}

func (d *decoder) count(key []string, v any) (uint64, error) {
	n, ok := v.(int64)
	if !ok || n < 0 || n > math.MaxInt32 {
		return 0, d.errorf(key, "%s must be a whole number ≥ 0, not %s", strings.Join(key, "."), describe(v))
	}
	return uint64(n), nil
}

func (d *decoder) counts(key []string, v any) (map[string]uint64, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a table (web = 3), not %s", strings.Join(key, "."), tomlType(v))
	}
	out := map[string]uint64{}
	for _, k := range sortedKeys(table) {
		n, err := d.count(append(key[:len(key):len(key)], k), table[k])
		if err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, nil
}

func (d *decoder) duration(key []string, v any) (time.Duration, error) {
	s, err := d.nonEmpty(key, v)
	if err != nil {
		return 0, err
	}
	t, err := time.ParseDuration(s)
	if err != nil || t <= 0 {
		return 0, d.errorf(key, "%s %q is not a positive duration (e.g. \"90s\", \"5m\")", strings.Join(key, "."), s)
	}
	return t, nil
}

func describe(v any) string {
	if n, ok := v.(int64); ok {
		return fmt.Sprint(n)
	}
	return tomlType(v)
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
