package deploy

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/image"
)

// Options are the inputs of a deploy.
type Options struct {
	Config  *config.Config
	Env     *config.Environment
	Backend Backend
	// Builder connects to the engine that builds images (the local one).
	Builder func(context.Context) (BuildAPI, error)
	// Out receives progress.
	Out io.Writer
	// DryRun computes and returns the changes, and changes nothing.
	DryRun bool
	// Prune removes services that left the compose file.
	Prune bool
	// WaitLock queues behind a deploy holding the env's lock.
	WaitLock bool
	// Backup and Upgrade run as one-off jobs before traffic moves.
	Backup, Upgrade *Hook
	// EdgeImage runs the env's edge proxy; default edge.DefaultImage.
	EdgeImage string
	// Environ holds the caller's variables for the compose interpolation
	// (gazr deploy passes its process environment); the env's [env.X].vars
	// go over them. Nil means none: the deploy never reads the process
	// environment for them itself.
	Environ map[string]string
	// Now is the clock a registry credential's expiry is read with; nil:
	// time.Now.
	Now func() time.Time
}

// Hook is a one-off job run during a deploy with the new version's image.
type Hook struct {
	Verb, Script string
	// Service names the compose service whose image, env, networks and
	// secrets the job runs with.
	Service string
}

// Result is what a deploy did or, for a dry run, would do.
type Result struct {
	Namespace, Version, Previous string
	Changes                      []Change
	Record                       *Record
	// Unchanged reports a deploy that changed no service: every spec,
	// image tag included, was the one running.
	Unchanged bool
}

// Namespace is the swarm stack namespace of a project's env.
func Namespace(project, env string) string { return project + "-" + env }

// Deploy ships the project to the env: check → build → push → convert →
// lock → networks, secrets, configs → backup, upgrade → services → wait →
// record → edge.
func Deploy(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	proj, err := compose.Load(ctx, compose.LoadOptions{Mode: compose.Deploy, Dir: o.Config.Root, Env: o.Env.Name, Name: o.Config.Name, Environ: variables(o.Environ, o.Env)})
	if err != nil {
		return nil, err
	}
	api, err := o.Backend.Manager(ctx)
	if o.DryRun && errors.Is(err, ErrNoSwarm) {
		return dryRunNoSwarm(ctx, o, proj)
	}
	if err != nil {
		return nil, err
	}
	defer api.Close()
	session, err := NewRegistrySession(ctx, o.Backend, o.Now)
	if err != nil {
		return nil, err
	}
	reg := session.held
	if err := checkRegistry(ctx, o, api, proj, reg); err != nil {
		return nil, err
	}
	// The env's key names its secrets and keys its spec hashes.
	key, err := secretKey(ctx, api, o.Config.Name, Namespace(o.Config.Name, o.Env.Name), !o.DryRun)
	if err != nil {
		return nil, err
	}
	rel, err := prepare(ctx, o, proj, reg, key)
	if err != nil {
		return nil, err
	}
	info, stack := rel.info, rel.stack
	res, err := plan(ctx, api, stack, key, info.Version)
	if err != nil || o.DryRun {
		return res, err
	}
	lock, err := lockOrWait(ctx, api, stack.Namespace, "deploy "+info.Version, o.WaitLock, o.Out)
	if err != nil {
		return res, err
	}
	defer releaseLock(lock, o.Out)
	// Plan again under the lock: a deploy this one queued behind (--wait)
	// changed what runs.
	if res, err = plan(ctx, api, stack, key, info.Version); err != nil {
		return res, err
	}
	targets, err := rollout(ctx, o, api, proj, rel, session)
	res.Unchanged = err == nil && len(targets) == 0 && !removes(res.Changes, o.Prune)
	res.Record = record(ctx, api, o, res, err, start, stack, targets)
	return res, err
}

// removes reports whether applying changes removes a service.
func removes(changes []Change, prune bool) bool {
	for _, c := range changes {
		if c.Op == "-" && prune {
			return true
		}
	}
	return false
}

// plan compares what runs in the stack's namespace with stack, whose spec
// hashes key keys.
func plan(ctx context.Context, api SwarmAPI, stack *convert.Stack, key []byte, version string) (*Result, error) {
	current, err := StackServices(ctx, api, stack.Namespace)
	if err != nil {
		return nil, err
	}
	return &Result{Namespace: stack.Namespace, Version: version, Previous: versionOf(current),
		Changes: DiffServices(key, current, stack.Services)}, nil
}

// rollout does the part of a deploy that changes the cluster, and
// returns the services it updated.
func rollout(ctx context.Context, o Options, api SwarmAPI, proj *types.Project, rel *release, reg *RegistrySession) ([]Target, error) {
	st, refs, info := rel.stack, rel.refs, rel.info
	if err := CheckEdgeImage(ctx, api, o.Env, o.EdgeImage); err != nil {
		return nil, err
	}
	if err := buildAndPush(ctx, o, proj, refs, reg, info); err != nil {
		return nil, err
	}
	if err := ApplyNetworks(ctx, api, st); err != nil {
		return nil, err
	}
	if err := ApplyObjects(ctx, api, st); err != nil {
		return nil, err
	}
	for _, h := range []*Hook{o.Backup, o.Upgrade} {
		if err := runHook(ctx, o, api, proj, st, h, reg); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(o.Out, "roll out %s (%s)\n", st.Namespace, info.Version)
	targets, err := ApplyServices(ctx, api, st, rel.key, reg, o.Prune, o.Out)
	if err != nil {
		return targets, interrupted(err, targets)
	}
	if err := Wait(ctx, api, targets, o.Env.Timeout, o.Out); err != nil {
		return targets, interrupted(err, targets)
	}
	if err := UpdateEdge(ctx, api, o.Env, o.EdgeImage, o.Out); err != nil {
		return targets, &EdgeError{Err: interrupted(err, targets)}
	}
	if err := EnsureAgent(ctx, api, st.Namespace, AgentOptions{Project: o.Config.Name, Env: o.Env, Builder: o.Builder,
		Registry: reg, Environ: o.Environ, Out: o.Out}); err != nil {
		return targets, &AgentError{Err: interrupted(err, targets)}
	}
	return targets, nil
}

func buildAndPush(ctx context.Context, o Options, proj *types.Project, refs map[string]string, reg *RegistrySession, info image.Info) error {
	if !HasBuild(proj) {
		return nil
	}
	builder, err := o.Builder(ctx)
	if err != nil {
		return err
	}
	if err := BuildImages(ctx, builder, proj, refs, info, o.Out); err != nil {
		return err
	}
	if reg.Host() == "" {
		return nil
	}
	return PushImages(ctx, builder, proj, refs, reg, o.Out)
}

func runHook(ctx context.Context, o Options, api SwarmAPI, proj *types.Project, st *convert.Stack, h *Hook, reg *RegistrySession) error {
	if h == nil {
		return nil
	}
	service := h.Service
	for _, n := range serviceNames(proj) {
		if service == "" && proj.Services[n].Build != nil {
			service = n
		}
	}
	name := st.Namespace + "_" + service
	for _, spec := range st.Services {
		if spec.Name == name {
			fmt.Fprintf(o.Out, "%s: one-off job with %s's new image\n", h.Verb, service)
			auth, err := sessionPullAuth(ctx, imageOf(spec), reg)
			if err != nil {
				return fmt.Errorf("%s: %w", h.Verb, err)
			}
			return RunJob(ctx, api, spec, h.Verb, h.Script, auth, o.Env.Timeout, o.Out)
		}
	}
	if service == "" {
		return fmt.Errorf("%s: no compose service has a build section to run it with; set service = \"…\" in [verbs.%s]", h.Verb, h.Verb)
	}
	return fmt.Errorf("%s: no service %q in the compose file to run it with; set service = \"…\" in [verbs.%s]", h.Verb, service, h.Verb)
}

// dryRunNoSwarm plans a first deploy to an engine that is in no swarm yet:
// every service is new.
func dryRunNoSwarm(ctx context.Context, o Options, proj *types.Project) (*Result, error) {
	reg, err := o.Backend.Registry(ctx)
	if err != nil {
		return nil, err
	}
	// No swarm, no key yet: a throw-away one names the secrets to create.
	key := make([]byte, 32)
	rand.Read(key)
	rel, err := prepare(ctx, o, proj, reg, key)
	if err != nil {
		return nil, err
	}
	return &Result{Namespace: rel.stack.Namespace, Version: rel.info.Version, Changes: DiffServices(key, nil, rel.stack.Services)}, nil
}

// release is what a deploy ships: a version, each service's image, and
// the swarm objects to apply.
type release struct {
	info  image.Info
	refs  map[string]string
	stack *convert.Stack
	// key is the env's key: it names the secrets and keys the spec
	// hashes.
	key []byte
}

// prepare works out the release from the sources, without touching the
// cluster: the version from git, the image references, the conversion.
func prepare(ctx context.Context, o Options, proj *types.Project, reg Registry, secretKey []byte) (*release, error) {
	info, err := image.Version(ctx, o.Config.Root)
	if err != nil {
		return nil, err
	}
	refs, err := ImageRefs(proj, reg.Host, o.Config.Name, info.Version)
	if err != nil {
		return nil, err
	}
	stack, err := convertStack(proj, o, refs, info.Version, secretKey)
	if err != nil {
		return nil, err
	}
	return &release{info: info, refs: refs, stack: stack, key: secretKey}, nil
}
