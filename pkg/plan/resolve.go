package plan

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
	"github.com/gazr-io/gazr/pkg/taskfile"
)

// Options are the inputs of a resolution that do not come from files.
type Options struct {
	// Args are extra arguments for the step, from `gazr <verb> -- <args>`.
	Args []string
	// User is the host user as "UID:GID"; steps run as this user unless
	// the verb sets its own.
	User string
	// Version is gazr's version, exported as GAZR_VERSION.
	Version string
	// TaskHelper is the host path of the gazr-task helper, mounted into
	// steps that run a Taskfile task; empty when it was not found (the
	// mount then has no source, and running the step must fail).
	TaskHelper string
}

// NotDefinedError says a verb has nothing to run in this project.
type NotDefinedError struct {
	Verb       string
	Convention string
	// Reason says why the convention does not define it ("no integration
	// tests found: …"); empty without a convention.
	Reason string
}

func (e *NotDefinedError) Error() string {
	where := "no convention applies here"
	if e.Reason != "" {
		where = e.Reason
	} else if e.Convention != "" {
		where = fmt.Sprintf("convention %s does not define it", e.Convention)
	}
	return fmt.Sprintf("verb %q is not defined here (%s); add [verbs.%s] with a run command to %s",
		e.Verb, where, e.Verb, config.FileName)
}

// Resolve returns the plan of verb: its step, after the steps of its deps
// (verbs.<verb>.deps, recursively), each verb once. A composite verb (test,
// security) that the project does not define runs its defined members, each
// after the previous one. A cycle in deps is a *config.Error naming it.
func Resolve(cfg *config.Config, conv *convention.Convention, verb string, opts Options) (*Plan, error) {
	p := &Plan{Verb: verb, Project: cfg.Name, Root: cfg.Root, Config: cfg.Path, Convention: conv}
	g := &graph{cfg: cfg, conv: conv, opts: opts, index: map[string]*Step{}}
	if Defined(cfg, conv, verb) {
		if _, err := g.add(verb, Value{}); err != nil {
			return nil, err
		}
	} else if _, err := g.addGroup(verb); err != nil {
		return nil, err
	}
	if len(g.steps) == 0 {
		return nil, &NotDefinedError{Verb: verb, Convention: convName(conv), Reason: whyNot(conv, verb)}
	}
	p.Steps = g.steps
	return p, nil
}

// Defined reports whether verb itself (not its group) has commands.
func Defined(cfg *config.Config, conv *convention.Convention, verb string) bool {
	if v := cfg.Verbs[verb]; v != nil && len(v.Run) > 0 {
		return true
	}
	if conv != nil {
		return len(conv.Verbs[verb].Run) > 0
	}
	return false
}

func resolveStep(cfg *config.Config, conv *convention.Convention, verb string, opts Options) (*Step, error) {
	v := cfg.Verbs[verb]
	if v == nil {
		v = &config.Verb{}
	}
	s := &Step{Verb: verb, Args: opts.Args}
	key := "verbs." + verb
	switch {
	case len(v.Run) > 0:
		s.Commands, s.CommandsOrigin = v.Run, origin(cfg, key+".run")
	default:
		cv := conv.Verbs[verb]
		s.Commands, s.CommandsOrigin = cv.Run, "convention "+conv.Name
		if cv.Origin != "" {
			s.CommandsOrigin = cv.Origin
		}
	}
	switch {
	case v.Image != "":
		s.Image = Value{v.Image, origin(cfg, key+".image")}
	case cfg.Image != "":
		s.Image = Value{cfg.Image, origin(cfg, "image")}
	case conv != nil && conv.Image != "":
		s.Image = Value{conv.Image, conv.ImageOrigin}
	default:
		return nil, &config.Error{Path: cfg.Path, Pos: cfg.Pos[key],
			Msg: fmt.Sprintf("verb %q has no image: set image = \"…\" at the top of %s or in [verbs.%s]", verb, config.FileName, verb)}
	}
	if err := config.CheckImage(s.Image.Value); err != nil {
		// A reference from the file was checked as it was read: this one
		// comes from the convention or $GAZR_IMAGE_<CONVENTION>.
		return nil, &config.Error{Msg: fmt.Sprintf("image of verb %q from %s: %v", verb, s.Image.Origin, err)}
	}
	if conv != nil && conv.Prelude != "" {
		s.Prelude = Value{conv.Prelude, "convention " + conv.Name}
	}
	if len(v.Run) == 0 {
		// The convention's commands run its tools: check (or install)
		// them first; a project's own run is on its own.
		if check := conv.ToolCheck(verb); check != "" {
			s.ToolCheck = Value{check, "convention " + conv.Name}
			s.Tools = conv.Verbs[verb].Tools
		}
	}
	root := containerPath(cfg.Root)
	s.Workdir = Value{root, "project root"}
	if v.Workdir != "" {
		s.Workdir = Value{path.Join(root, v.Workdir), origin(cfg, key+".workdir")}
	}
	s.User = Value{opts.User, OriginHost}
	if v.User != "" {
		s.User = Value{v.User, origin(cfg, key+".user")}
	}
	s.Mounts = []Mount{{Source: cfg.Root, Target: root, Origin: "project root"}}
	if len(v.Run) == 0 && conv.Verbs[verb].Task != "" {
		s.Mounts = append(s.Mounts, Mount{Source: opts.TaskHelper, Target: taskfile.HelperTarget, Origin: taskfile.HelperOrigin, ReadOnly: true})
	}
	caches, err := resolveCaches(cfg, conv, verb, v)
	if err != nil {
		return nil, err
	}
	s.Caches = caches
	s.Env = resolveEnv(cfg, conv, s, v, opts)
	if len(v.Services) > 0 {
		s.Services = Values{v.Services, origin(cfg, key+".services")}
	}
	if v.Warm > 0 {
		s.Warm, s.WarmOrigin = v.Warm, origin(cfg, key+".warm")
	}
	switch cv := convVerb(conv, verb); {
	case len(v.Sources) > 0:
		s.Sources = Values{v.Sources, origin(cfg, key+".sources")}
		s.Generates = Values{v.Generates, origin(cfg, key+".generates")}
	case len(v.Run) == 0 && len(cv.Sources) > 0:
		// The convention's own commands, with the files they read.
		s.Sources = Values{cv.Sources, "convention " + conv.Name}
		s.Generates = Values{cv.Generates, "convention " + conv.Name}
	}
	return s, nil
}

func convVerb(conv *convention.Convention, verb string) convention.Verb {
	if conv == nil {
		return convention.Verb{}
	}
	return conv.Verbs[verb]
}

func resolveCaches(cfg *config.Config, conv *convention.Convention, verb string, v *config.Verb) ([]Cache, error) {
	var known map[string]string
	if conv != nil {
		known = conv.Caches
	}
	names, from := sortedEnv(known), "convention "+convName(conv)
	if v.Caches != nil {
		names, from = v.Caches, origin(cfg, "verbs."+verb+".caches")
	}
	out := make([]Cache, 0, len(names))
	for _, n := range names {
		envVar, ok := known[n]
		if !ok {
			list := sortedEnv(known)
			knownList := strings.Join(list, ", ")
			if knownList == "" {
				knownList = "none"
			}
			return nil, &config.Error{Path: cfg.Path, Pos: cfg.Pos["verbs."+verb+".caches"],
				Msg: fmt.Sprintf("verbs.%s.caches: unknown cache %q%s (known: %s)", verb, n, suggest(n, list), knownList)}
		}
		out = append(out, Cache{Name: n, Volume: CacheVolumePrefix + n, Target: CacheDir + "/" + n, EnvVar: envVar, Origin: from})
	}
	return out, nil
}

// resolveEnv orders the environment: HOME, the cache variables, the
// verb's env (which may replace HOME or a cache variable), then GAZR_*.
func resolveEnv(cfg *config.Config, conv *convention.Convention, s *Step, v *config.Verb, opts Options) []EnvVar {
	env := make([]EnvVar, 0, 1+len(s.Caches)+len(v.Env)+6)
	env = append(env, EnvVar{"HOME", HomeDir, OriginGazr})
	for _, c := range s.Caches {
		env = append(env, EnvVar{c.EnvVar, c.Target, "cache " + c.Name})
	}
	if conv != nil && len(v.Run) == 0 {
		// Pinned tool versions, which the verb's env may override.
		versions := conv.ToolVersions(s.Verb)
		for _, name := range sortedEnv(versions) {
			env = append(env, EnvVar{convention.VersionEnv(name), versions[name], "convention " + conv.Name + ", tool " + name})
		}
	}
	// Only the variables gazr set before the verb's env can be replaced
	// (env keys are unique): an index of those keeps this linear.
	replaceable := make(map[string]int, len(env))
	for i := len(env) - 1; i >= 0; i-- { // the first of a name, as before
		replaceable[env[i].Name] = i
	}
	for _, k := range sortedEnv(v.Env) {
		e := EnvVar{k, v.Env[k], origin(cfg, "verbs."+s.Verb+".env."+k)}
		if i, ok := replaceable[k]; ok {
			env[i] = e
			continue
		}
		env = append(env, e)
	}
	env = append(env,
		EnvVar{"GAZR", "1", OriginGazr},
		EnvVar{"GAZR_PROJECT", cfg.Name, OriginGazr},
		EnvVar{"GAZR_ROOT", containerPath(cfg.Root), OriginGazr},
		EnvVar{"GAZR_VERB", s.Verb, OriginGazr},
		EnvVar{"GAZR_CONVENTION", convName(conv), OriginGazr},
		EnvVar{"GAZR_VERSION", opts.Version, OriginGazr},
	)
	return env
}

// origin names the file position where key was set.
func origin(cfg *config.Config, key string) string {
	name := filepath.Base(cfg.Path)
	if p, ok := cfg.Pos[key]; ok && p.Line > 0 {
		return fmt.Sprintf("%s:%d", name, p.Line)
	}
	return name
}

func convName(c *convention.Convention) string {
	if c == nil {
		return ""
	}
	return c.Name
}

func suggest(name string, list []string) string {
	if s := config.Suggest(name, list); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}
