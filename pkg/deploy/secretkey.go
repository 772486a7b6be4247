package deploy

import (
	"context"
	"crypto/rand"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// LabelSecretKey marks the swarm config holding the key that names an
// env's secrets (see convert.Options.SecretKey); its value is the
// namespace.
const LabelSecretKey = "io.gazr.secret-key"

// secretKey returns the env's key, which names the stack's secrets and
// keys its spec hashes (LabelSpecHash), kept in a swarm config so that
// every machine deploying the env names and hashes alike. A
// missing key is created (random) when create is set; otherwise, for a
// dry run, a throw-away key stands in: the secrets are all new then.
func secretKey(ctx context.Context, api client.ConfigAPIClient, project, namespace string, create bool) ([]byte, error) {
	name := configName("gazr-key", namespace, "")
	for range 3 {
		res, err := api.ConfigInspect(ctx, name, client.ConfigInspectOptions{})
		if err == nil && len(res.Config.Spec.Data) > 0 {
			return res.Config.Spec.Data, nil
		}
		if err != nil && !cerrdefs.IsNotFound(err) {
			return nil, fmt.Errorf("read the secret-name key of %s: %w", namespace, err)
		}
		key := make([]byte, 32)
		rand.Read(key)
		if !create {
			return key, nil
		}
		spec := swarm.ConfigSpec{
			Annotations: swarm.Annotations{Name: name, Labels: map[string]string{
				LabelSecretKey: namespace, convert.LabelNamespace: namespace, convert.LabelProject: project,
			}},
			Data: key,
		}
		_, err = api.ConfigCreate(ctx, client.ConfigCreateOptions{Spec: spec})
		if err == nil {
			return key, nil
		}
		// Another deploy created it meanwhile: read theirs.
		if !cerrdefs.IsConflict(err) && !cerrdefs.IsAlreadyExists(err) {
			return nil, fmt.Errorf("create the secret-name key of %s: %w", namespace, err)
		}
	}
	return nil, fmt.Errorf("secret-name key of %s: created and removed concurrently; deploy again", namespace)
}
