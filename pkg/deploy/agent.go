package deploy

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/image"
)

// The agent is gazr itself, running in the cluster as a service of the
// stack (<namespace>_gazr-agent), on a manager, with the manager's engine
// socket: it applies the env's schedule without a laptop. A deploy
// installs it when the env has a schedule, updates it when its
// configuration or gazr changes, and removes it when the env no longer
// has one. Its image is built from gazr's own executable, so nothing is
// pulled.

// LabelAgent marks the agent's service and configs.
const LabelAgent = "io.gazr.agent"

// AgentConfigPath is where the agent reads its AgentConfig.
const AgentConfigPath = "/etc/gazr/agent.json"

// AgentImageEnv names an agent image to use instead of building one from
// gazr's executable (a gazr that does not run on Linux cannot be it).
const AgentImageEnv = "GAZR_AGENT_IMAGE"

// AgentConfig is what a deploy tells the agent.
type AgentConfig struct {
	Project   string                   `json:"project"`
	Env       string                   `json:"env"`
	Namespace string                   `json:"namespace"`
	Schedule  []config.ReplicaSchedule `json:"schedule"`
	// Timeout bounds each replica change's rollout.
	Timeout time.Duration `json:"timeout"`
	// Chaos are the env's experiments, run every Chaos.Every; EdgePort
	// is where the probe finds the edge on the managers.
	Chaos    config.Chaos `json:"chaos"`
	EdgePort int          `json:"edge_port"`
}

// WantsAgent reports whether env needs gazr's agent in its cluster: it
// has a schedule, or experiments to run on their own.
func WantsAgent(env *config.Environment) bool {
	return len(env.Schedule) > 0 || (env.Chaos.Enabled && env.Chaos.Every > 0)
}

// AgentName is the agent's name in its stack: `gazr logs gazr-agent`.
const AgentName = "gazr-agent"

// AgentService is the name of the agent's service in namespace ns.
func AgentService(ns string) string { return ns + "_" + AgentName }

// AgentOptions are the inputs of EnsureAgent.
type AgentOptions struct {
	Project string
	Env     *config.Environment
	// Builder builds the agent's image (the local engine); Registry
	// receives it when the swarm pulls from one.
	Builder  func(context.Context) (BuildAPI, error)
	Registry *RegistrySession
	// Environ passes the test clock (GAZR_TEST_CLOCK) to the agent.
	Environ map[string]string
	Out     io.Writer
}

// EnsureAgent installs, updates or removes the agent of namespace ns so
// that it matches the env, and says what it did on o.Out (nothing when
// it already matched).
func EnsureAgent(ctx context.Context, api SwarmAPI, ns string, o AgentOptions) error {
	cur, err := api.ServiceInspect(ctx, AgentService(ns), client.ServiceInspectOptions{})
	exists := err == nil
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("agent: %w", err)
	}
	if !WantsAgent(o.Env) {
		if !exists {
			return nil
		}
		if _, err := api.ServiceRemove(ctx, cur.Service.ID, client.ServiceRemoveOptions{}); err != nil {
			return fmt.Errorf("agent: remove: %w", err)
		}
		fmt.Fprintf(o.Out, "agent: removed (the env has no schedule and no chaos every)\n")
		return pruneAgentConfigs(ctx, api, ns, "")
	}
	img, err := agentImage(ctx, api, o)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	data, err := json.MarshalIndent(AgentConfig{Project: o.Project, Env: o.Env.Name, Namespace: ns, Schedule: o.Env.Schedule, Timeout: o.Env.Timeout,
		Chaos: o.Env.Chaos, EdgePort: o.Env.EdgePort}, "", "  ")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	labels := map[string]string{convert.LabelNamespace: ns, convert.LabelProject: o.Project, convert.LabelEnv: o.Env.Name, LabelAgent: "true"}
	cfg := swarm.ConfigSpec{Annotations: swarm.Annotations{Name: configName("gazr-agent", ns, "."+hex.EncodeToString(sum[:6])), Labels: labels}, Data: data}
	cfgID, err := ensureConfig(ctx, api, cfg)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	// On the host's network: its probe reaches the edge where gazr would,
	// at the node's address (127.0.0.1 on a laptop's swarm), and its
	// records name the node it runs on (gazr-agent@m1).
	host, err := api.NetworkInspect(ctx, "host", client.NetworkInspectOptions{})
	if err != nil {
		return fmt.Errorf("agent: the engine's host network: %w", err)
	}
	spec := agentSpec(ns, img, cfg.Name, cfgID, labels, o.Environ)
	spec.TaskTemplate.Networks = []swarm.NetworkAttachmentConfig{{Target: host.Network.ID}}
	auth, err := sessionPullAuth(ctx, img, o.Registry)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	t := Target{Name: spec.Name, Image: img}
	if exists {
		if sameAgent(cur.Service.Spec, spec) {
			return nil
		}
		t.ID, t.Since = cur.Service.ID, cur.Service.UpdatedAt
		if cur.Service.UpdateStatus != nil {
			t.Stale = cur.Service.UpdateStatus.StartedAt
		}
		_, err = api.ServiceUpdate(ctx, cur.Service.ID, client.ServiceUpdateOptions{Version: cur.Service.Version, Spec: spec, EncodedRegistryAuth: auth})
		fmt.Fprintf(o.Out, "agent: updating %s (%s)\n", spec.Name, img)
	} else {
		var res client.ServiceCreateResult
		res, err = api.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec, EncodedRegistryAuth: auth})
		t.ID, t.Created = res.ID, true
		fmt.Fprintf(o.Out, "agent: installing %s (%s)\n", spec.Name, img)
	}
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	if err := Wait(ctx, api, []Target{t}, o.Env.Timeout, o.Out); err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	return pruneAgentConfigs(ctx, api, ns, cfg.Name)
}

func agentSpec(ns, img, cfgName, cfgID string, labels map[string]string, environ map[string]string) swarm.ServiceSpec {
	one := uint64(1)
	delay := 2 * time.Second
	// Its records say who wrote them: the agent.
	env := []string{"GAZR_DEPLOYER=" + AgentName}
	if v := environ["GAZR_TEST_CLOCK"]; v != "" {
		env = append(env, "GAZR_TEST_CLOCK="+v)
	}
	return swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: AgentService(ns), Labels: labels},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{
				Image:  img,
				Args:   []string{"agent", "run", "--config", AgentConfigPath},
				Labels: labels,
				Env:    env,
				Mounts: []mount.Mount{{Type: mount.TypeBind, Source: "/var/run/docker.sock", Target: "/var/run/docker.sock"}},
				Configs: []*swarm.ConfigReference{{ConfigID: cfgID, ConfigName: cfgName,
					File: &swarm.ConfigReferenceFileTarget{Name: AgentConfigPath, UID: "0", GID: "0", Mode: 0o444}}},
			},
			// On a manager: it talks to the swarm through the local
			// engine's socket.
			Placement:     &swarm.Placement{Constraints: []string{"node.role==manager"}},
			RestartPolicy: &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionAny, Delay: &delay},
		},
		Mode: swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &one}},
		// One agent at a time: the old one stops before the new one starts.
		UpdateConfig: &swarm.UpdateConfig{Parallelism: 1, Order: swarm.UpdateOrderStopFirst, FailureAction: swarm.UpdateFailureActionRollback},
	}
}

// sameAgent: the running agent has the image, configuration and
// environment spec would give it.
func sameAgent(cur, spec swarm.ServiceSpec) bool {
	a, b := cur.TaskTemplate.ContainerSpec, spec.TaskTemplate.ContainerSpec
	if a == nil || len(a.Configs) != 1 {
		return false
	}
	return a.Image == b.Image && a.Configs[0].ConfigName == b.Configs[0].ConfigName && slices.Equal(a.Env, b.Env) &&
		len(cur.TaskTemplate.Networks) == len(spec.TaskTemplate.Networks)
}

// pruneAgentConfigs removes the agent's configs of ns but keep.
func pruneAgentConfigs(ctx context.Context, api SwarmAPI, ns, keep string) error {
	res, err := api.ConfigList(ctx, client.ConfigListOptions{Filters: client.Filters{}.Add("label", LabelAgent+"=true").Add("label", convert.LabelNamespace+"="+ns)})
	if err != nil {
		return fmt.Errorf("agent: list configs: %w", err)
	}
	for _, c := range res.Items {
		if c.Spec.Name != keep {
			// In use by a task still stopping: the next deploy removes it.
			_, _ = api.ConfigRemove(ctx, c.ID, client.ConfigRemoveOptions{})
		}
	}
	return nil
}

// agentImage is the agent's image: $GAZR_AGENT_IMAGE, else one built from
// gazr's own executable (tagged with its hash, built once), pushed to the
// registry when the swarm pulls from one.
func agentImage(ctx context.Context, api SwarmAPI, o AgentOptions) (string, error) {
	if img := os.Getenv(AgentImageEnv); img != "" {
		return img, nil
	}
	if runtime.GOOS != "linux" {
		return "", fmt.Errorf("the agent runs gazr in the cluster, and this gazr is built for %s: set %s to an image of a Linux gazr (docs/chaos.md)", runtime.GOOS, AgentImageEnv)
	}
	info, err := api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return "", err
	}
	if arch := goArch(info.Info.Architecture); arch != runtime.GOARCH {
		return "", fmt.Errorf("the agent runs this gazr in the cluster, built for %s, and the manager's engine is %s: set %s to an image of a gazr built for it (docs/chaos.md)", runtime.GOARCH, info.Info.Architecture, AgentImageEnv)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if err := static(exe); err != nil {
		return "", err
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	ref := "gazr-agent:" + hex.EncodeToString(sum[:6])
	if host := o.Registry.Host(); host != "" {
		ref = host + "/gazr/gazr-agent:" + hex.EncodeToString(sum[:6])
	}
	builder, err := o.Builder(ctx)
	if err != nil {
		return "", err
	}
	if _, err := builder.ImageInspect(ctx, ref); err != nil {
		dir, err := os.MkdirTemp("", "gazr-agent-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		if err := os.WriteFile(filepath.Join(dir, "gazr"), data, 0o755); err != nil {
			return "", err
		}
		dockerfile := "FROM scratch\nCOPY gazr /gazr\nENTRYPOINT [\"/gazr\"]\n"
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(o.Out, "agent: build %s from this gazr\n", ref)
		if _, err := image.Build(ctx, builder, image.BuildRequest{Dir: dir, Tags: []string{ref}, Labels: map[string]string{LabelAgent: "true"}}, io.Discard); err != nil {
			return "", fmt.Errorf("build its image: %w", err)
		}
	}
	if o.Registry.Host() == "" {
		return ref, nil
	}
	if err := o.Registry.EnsureRepository(ctx, ref); err != nil {
		return "", err
	}
	cred, err := o.Registry.Credential(ctx)
	if err != nil {
		return "", err
	}
	if _, err := image.Push(ctx, builder, ref, cred.Auth, io.Discard); err != nil {
		return "", fmt.Errorf("push its image: %w", err)
	}
	return ref, nil
}

// goArch is GOARCH for an engine's architecture (uname's: x86_64).
func goArch(a string) string {
	switch a {
	case "x86_64":
		return "amd64"
	case "aarch64":
		return "arm64"
	case "armv7l":
		return "arm"
	}
	return a
}

// static fails when exe needs a dynamic loader (gazr built with cgo): the
// agent's image holds the executable alone.
func static(exe string) error {
	f, err := elf.Open(exe)
	if err != nil {
		return fmt.Errorf("read %s: %w", exe, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("this gazr (%s) is dynamically linked (built with cgo), and the agent's image holds it alone: build it with CGO_ENABLED=0, or set %s (docs/chaos.md)", exe, AgentImageEnv)
		}
	}
	return nil
}
