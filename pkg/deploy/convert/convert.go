package convert

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/swarm"
)

// Options drive a conversion.
type Options struct {
	// Project is the gazr project name ("shop"). Required.
	Project string
	// Env is the environment ("staging"); "" gives a namespace without it.
	Env string
	// Version is the deployed version, e.g. "3f2a1c9" or "3f2a1c9-dirty-1a2b3c4d".
	Version string
	// Images maps a service to the image reference to run (resolved by the
	// caller after build and push); a service missing here runs its compose
	// `image`.
	Images map[string]string
	// Replicas overrides the replicas of replicated services, per service.
	Replicas map[string]uint64
	// MinReplicas is the HA floor of replicated services (0: none).
	MinReplicas uint64
	// Domain, when set, turns on routing labels (see the package doc).
	Domain string
	// SecretData maps a secret's compose key to its content, read by the
	// caller from the secret's file or environment variable.
	SecretData map[string][]byte
	// SecretKey keys the hash of a secret's content that ends its swarm
	// name (HMAC-SHA-256), so that the name, which travels in logs and
	// specs, is no oracle to guess the value with. Random per env and
	// kept in the cluster by the caller; required when a secret is
	// created.
	SecretKey []byte
	// ConfigData is SecretData for configs; a config missing here uses its
	// compose `content`.
	ConfigData map[string][]byte
	// Now is the deployment time, for the deployed-at label (zero: none).
	Now time.Time
	// DeployedBy names who deploys, for the deployed-by label ("": none).
	DeployedBy string
}

// Network is a network of a stack.
type Network struct {
	// Name is the network's name in the swarm.
	Name string
	// Spec is the request creating it; only Name is set for an external one.
	Spec network.CreateRequest
	// External networks must exist already: the stack does not create them.
	External bool
}

// Stack holds the swarm objects of one project environment, each list
// sorted by name. Secret and config references in service specs carry
// names only: the caller fills in SecretID and ConfigID once the objects
// exist, as the engine API requires them.
type Stack struct {
	// Namespace is "<project>-<env>", the swarm stack namespace.
	Namespace string
	// Networks are the networks the services use.
	Networks []Network
	// Secrets are the secrets to create, named "<ns>_<key>_<hash8>".
	Secrets []swarm.SecretSpec
	// Configs are the configs to create, named like secrets.
	Configs []swarm.ConfigSpec
	// Services are the service specs, named "<ns>_<service>".
	Services []swarm.ServiceSpec
}

// converter carries what the conversion of one project gathers as it goes.
type converter struct {
	p        *types.Project
	o        Options
	ns       string
	secrets  map[string]string // compose key → swarm name
	configs  map[string]string
	networks map[string]bool // compose keys of the networks services use
}

// Convert converts project p into the stack of environment o.Env. Errors
// name the service (or object) and the compose key at fault.
func Convert(p *types.Project, o Options) (*Stack, error) {
	if err := check(p, o); err != nil {
		return nil, err
	}
	c := &converter{p: p, o: o, ns: namespace(o), networks: map[string]bool{}}
	st := &Stack{Namespace: c.ns}
	var err error
	if st.Secrets, err = c.secretSpecs(); err != nil {
		return nil, err
	}
	if st.Configs, err = c.configSpecs(); err != nil {
		return nil, err
	}
	for _, name := range p.ServiceNames() {
		spec, err := c.service(p.Services[name])
		if err != nil {
			// A service swarm cannot run as written is a configuration
			// error: locate it, at its key when known, else the service.
			var located *compose.Error
			if errors.As(err, &located) {
				return nil, err
			}
			return nil, compose.KeyError(p, "services."+name, fmt.Sprintf("service %q: %v", name, err))
		}
		st.Services = append(st.Services, spec)
	}
	if st.Networks, err = c.networkList(); err != nil {
		return nil, err
	}
	return st, nil
}

// namespace returns the stack namespace of o.
func namespace(o Options) string {
	if o.Env == "" {
		return o.Project
	}
	return o.Project + "-" + o.Env
}

// check rejects options and project-level features the conversion cannot
// honour.
func check(p *types.Project, o Options) error {
	if p == nil {
		return errors.New("convert: no project")
	}
	if o.Project == "" {
		return errors.New("convert: no project name")
	}
	if len(p.Jobs) > 0 {
		return fmt.Errorf("jobs (%s): swarm stacks have no jobs; run them as gazr verbs", strings.Join(slices.Sorted(maps.Keys(p.Jobs)), ", "))
	}
	if len(p.Models) > 0 {
		return fmt.Errorf("models (%s): swarm stacks cannot run models", strings.Join(slices.Sorted(maps.Keys(p.Models)), ", "))
	}
	for _, name := range slices.Sorted(maps.Keys(o.Replicas)) {
		_, on := p.Services[name]
		_, off := p.DisabledServices[name]
		if !on && !off {
			return fmt.Errorf("replicas given for %q, which is no service of the project (services: %s)",
				name, strings.Join(p.ServiceNames(), ", "))
		}
	}
	return nil
}
