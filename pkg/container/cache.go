package container

import (
	"context"
	"fmt"
	"os"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/plan"
)

// EnsureCaches creates the step's missing cache volumes, labelled as
// gazr's, and returns those it created (none when all existed). A new
// volume's root belongs to root; when steps run as another user, it is
// opened to all (mode 1777, like /tmp) by a one-off container of the step's
// image, so that every user of the machine shares one cache.
func (r *Runner) EnsureCaches(ctx context.Context, s *plan.Step) ([]plan.Cache, error) {
	missing, err := MissingCaches(ctx, r.API, s.Caches)
	if err != nil {
		return nil, err
	}
	var created []plan.Cache
	for _, c := range missing {
		_, err := r.API.VolumeCreate(ctx, client.VolumeCreateOptions{
			Name:   c.Volume,
			Labels: map[string]string{LabelManaged: "true", LabelCache: c.Name},
		})
		if err != nil {
			return nil, fmt.Errorf("create cache volume %s: %w", c.Volume, err)
		}
		created = append(created, c)
	}
	if len(created) == 0 || os.Getuid() == 0 {
		return created, nil
	}
	return created, r.openCaches(ctx, s, created)
}

// MissingCaches returns the caches whose volumes do not exist yet.
func MissingCaches(ctx context.Context, api VolumeLister, caches []plan.Cache) ([]plan.Cache, error) {
	if len(caches) == 0 {
		return nil, nil
	}
	list, err := api.VolumeList(ctx, client.VolumeListOptions{Filters: client.Filters{}.Add("label", LabelCache)})
	if err != nil {
		return nil, fmt.Errorf("list cache volumes: %w", err)
	}
	have := map[string]bool{}
	for _, v := range list.Items {
		have[v.Name] = true
	}
	var missing []plan.Cache
	for _, c := range caches {
		if !have[c.Volume] {
			missing = append(missing, c)
		}
	}
	return missing, nil
}

// openCaches runs `chmod 1777` on new cache volumes as root.
func (r *Runner) openCaches(ctx context.Context, s *plan.Step, caches []plan.Cache) error {
	cmd := []string{"chmod", "1777"}
	hc := &container.HostConfig{AutoRemove: true}
	for _, c := range caches {
		cmd = append(cmd, c.Target)
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: c.Volume, Target: c.Target})
	}
	init := &plan.Step{Verb: s.Verb, Image: s.Image, User: plan.Value{Value: "0:0"}}
	sub := *r
	sub.Stdout, sub.Stderr = r.Stderr, r.Stderr
	id, err := sub.createRaw(ctx, init, &container.Config{
		Image: s.Image.Value, Cmd: cmd, User: "0:0",
		Labels: r.labels(s.Verb),
	}, hc)
	if err != nil {
		return fmt.Errorf("prepare cache volumes: %w", err)
	}
	defer r.remove(id)
	wait := r.API.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := r.API.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("prepare cache volumes: %w", err)
	}
	select {
	case res := <-wait.Result:
		if res.StatusCode != 0 {
			return fmt.Errorf("prepare cache volumes: chmod in image %s exited with %d", s.Image.Value, res.StatusCode)
		}
		return nil
	case err := <-wait.Error:
		return fmt.Errorf("prepare cache volumes: %w", err)
	}
}
