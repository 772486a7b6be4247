package deploy

import (
	"context"
	"fmt"
	"io"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/registryauth"
)

// ApplyNetworks creates the stack's missing networks and checks that its
// external ones exist.
func ApplyNetworks(ctx context.Context, api SwarmAPI, st *convert.Stack) error {
	for _, n := range st.Networks {
		_, err := api.NetworkInspect(ctx, n.Name, client.NetworkInspectOptions{})
		switch {
		case err == nil:
			continue
		case !cerrdefs.IsNotFound(err):
			return fmt.Errorf("network %s: %w", n.Name, err)
		case n.External:
			return fmt.Errorf("network %s is declared external but does not exist; create it first (docker network create -d overlay --attachable %s)", n.Name, n.Name)
		}
		s := n.Spec
		_, err = api.NetworkCreate(ctx, n.Name, client.NetworkCreateOptions{
			Driver: s.Driver, Scope: s.Scope, EnableIPv6: s.EnableIPv6, IPAM: s.IPAM, Internal: s.Internal,
			Attachable: s.Attachable, Options: s.Options, Labels: s.Labels,
		})
		if err != nil && !cerrdefs.IsConflict(err) {
			return fmt.Errorf("create network %s: %w", n.Name, err)
		}
	}
	return nil
}

// ApplyObjects creates the stack's secrets and configs that do not exist
// yet (their names carry a hash of their content, so an existing name has
// the right content) and fills in the IDs the service specs refer to.
func ApplyObjects(ctx context.Context, api SwarmAPI, st *convert.Stack) error {
	secretIDs := map[string]string{}
	for _, spec := range st.Secrets {
		id, err := ensureSecret(ctx, api, spec)
		if err != nil {
			return err
		}
		secretIDs[spec.Name] = id
	}
	configIDs := map[string]string{}
	for _, spec := range st.Configs {
		id, err := ensureConfig(ctx, api, spec)
		if err != nil {
			return err
		}
		configIDs[spec.Name] = id
	}
	for i := range st.Services {
		cs := st.Services[i].TaskTemplate.ContainerSpec
		for _, ref := range cs.Secrets {
			ref.SecretID = secretIDs[ref.SecretName]
		}
		for _, ref := range cs.Configs {
			ref.ConfigID = configIDs[ref.ConfigName]
		}
	}
	return nil
}

func ensureSecret(ctx context.Context, api SwarmAPI, spec swarm.SecretSpec) (string, error) {
	res, err := api.SecretInspect(ctx, spec.Name, client.SecretInspectOptions{})
	if err == nil {
		return res.Secret.ID, nil
	}
	created, err := api.SecretCreate(ctx, client.SecretCreateOptions{Spec: spec})
	if err != nil {
		return "", fmt.Errorf("create secret %s: %w", spec.Name, err)
	}
	return created.ID, nil
}

func ensureConfig(ctx context.Context, api SwarmAPI, spec swarm.ConfigSpec) (string, error) {
	res, err := api.ConfigInspect(ctx, spec.Name, client.ConfigInspectOptions{})
	if err == nil {
		return res.Config.ID, nil
	}
	created, err := api.ConfigCreate(ctx, client.ConfigCreateOptions{Spec: spec})
	if err != nil {
		return "", fmt.Errorf("create config %s: %w", spec.Name, err)
	}
	return created.ID, nil
}

// StackServices lists the services of a stack namespace.
func StackServices(ctx context.Context, api SwarmAPI, namespace string) ([]swarm.Service, error) {
	res, err := api.ServiceList(ctx, client.ServiceListOptions{
		Filters: client.Filters{}.Add("label", convert.LabelNamespace+"="+namespace),
	})
	if err != nil {
		return nil, fmt.Errorf("list services of %s: %w", namespace, err)
	}
	var out []swarm.Service
	for _, s := range res.Items {
		// Jobs and gazr's agent are the stack's too, not its services.
		if s.Spec.Labels["io.gazr.job"] == "" && s.Spec.Labels[LabelAgent] == "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// ApplyServices creates or updates the stack's services, leaving alone
// those whose spec is unchanged, and returns the ones to wait for. key
// keys their spec hashes (see LabelSpecHash). With prune, services of the
// namespace that the stack no longer has are removed. Every create and
// update carries the credential the nodes pull the image with: reg's
// (renewed when it expires) when the image is in reg, else the docker
// config's for its registry (as `docker stack deploy --with-registry-auth`).
func ApplyServices(ctx context.Context, api SwarmAPI, st *convert.Stack, key []byte, reg *RegistrySession, prune bool, out io.Writer) ([]Target, error) {
	current, err := StackServices(ctx, api, st.Namespace)
	if err != nil {
		return nil, err
	}
	byName := map[string]swarm.Service{}
	for _, s := range current {
		byName[s.Spec.Name] = s
	}
	var targets []Target
	for _, spec := range st.Services {
		Stamp(key, &spec)
		cur, exists := byName[spec.Name]
		delete(byName, spec.Name)
		t := Target{Name: spec.Name, Image: imageOf(spec), Health: healthOf(spec)}
		if exists && SameSpec(key, cur.Spec, spec) {
			fmt.Fprintf(out, "  %-24s unchanged\n", spec.Name)
			continue
		}
		auth, err := sessionPullAuth(ctx, t.Image, reg)
		if err != nil {
			return targets, fmt.Errorf("service %s: %w", spec.Name, err)
		}
		switch {
		case exists:
			t.Since = cur.UpdatedAt
			if cur.UpdateStatus != nil {
				t.Stale = cur.UpdateStatus.StartedAt
			}
			_, err = api.ServiceUpdate(ctx, cur.ID, client.ServiceUpdateOptions{Version: cur.Version, Spec: spec, EncodedRegistryAuth: auth})
			t.ID = cur.ID
		default:
			var res client.ServiceCreateResult
			res, err = api.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec, EncodedRegistryAuth: auth})
			t.ID, t.Created = res.ID, true
		}
		if err != nil {
			return targets, fmt.Errorf("service %s: %w", spec.Name, err)
		}
		targets = append(targets, t)
	}
	return targets, prunable(ctx, api, byName, prune, out)
}

func prunable(ctx context.Context, api SwarmAPI, left map[string]swarm.Service, prune bool, out io.Writer) error {
	for name, s := range left {
		if !prune {
			fmt.Fprintf(out, "  %-24s no longer in the compose file; kept (remove it with --prune)\n", name)
			continue
		}
		if _, err := api.ServiceRemove(ctx, s.ID, client.ServiceRemoveOptions{}); err != nil {
			return fmt.Errorf("remove service %s: %w", name, err)
		}
		fmt.Fprintf(out, "  %-24s removed\n", name)
	}
	return nil
}

func healthOf(spec swarm.ServiceSpec) string {
	cs := spec.TaskTemplate.ContainerSpec
	if cs == nil || cs.Healthcheck == nil || len(cs.Healthcheck.Test) == 0 {
		return ""
	}
	return fmt.Sprint(cs.Healthcheck.Test)
}

// cleanupTimeout bounds the clean-up done after a cancelled deploy.
const cleanupTimeout = 10 * time.Second

// sessionPullAuth is pullAuth with the session's credential, renewed
// when it expires.
func sessionPullAuth(ctx context.Context, image string, reg *RegistrySession) (string, error) {
	cred, err := reg.Credential(ctx)
	if err != nil {
		return "", err
	}
	return pullAuth(image, cred)
}

// pullAuth is the X-Registry-Auth the nodes pull image with: reg's for
// an image in reg, else the docker config's for the image's registry.
// An image that does not parse keeps reg's: the engine will say what is
// wrong with it.
func pullAuth(image string, reg Registry) (string, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil || reg.Host != "" && reference.Domain(named) == reg.Host {
		return reg.Auth, nil
	}
	return registryauth.ForHost(reference.Domain(named))
}
