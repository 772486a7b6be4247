package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	gazrcontainer "github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/deploy/edge"
)

// labelTestRegistry marks the registry containers of the scripts.
const labelTestRegistry = "io.gazr.test.registry"

// cleanup removes what the script's project left in the swarm and on the
// engine: its services (jobs included) and edge, then, once their tasks
// are gone, its configs (history, lock, edge's), secrets and networks,
// then its images, its registry container and its engine (noswarm). It
// is safe to call again.
func (st *deployState) cleanup() error {
	st.mu.Lock()
	if st.loop != nil {
		st.loop.Stop()
		st.loop = nil
	}
	bed, registry := st.bed, st.registry
	st.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cli, err := gazrcontainer.Connect(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	if registry != "" {
		_, _ = cli.ContainerRemove(ctx, registry, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	}
	if bed != nil {
		if err := bed.Close(ctx); err != nil {
			return fmt.Errorf("clean up %s: %w", st.project, err)
		}
	}
	if !swarmActive(ctx, cli) {
		// Nothing can be in a swarm the engine is not part of (a script
		// that never got as far as a deploy, on a fresh engine).
		st.removeContainers(ctx, cli)
		st.removeImages(ctx, cli)
		return nil
	}
	if err := st.removeServices(ctx, cli); err != nil {
		return err
	}
	var left []string
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		if left, err = st.removeObjects(ctx, cli); err != nil || len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	st.removeContainers(ctx, cli)
	st.removeImages(ctx, cli)
	if err != nil {
		return fmt.Errorf("clean up %s: %w", st.project, err)
	}
	if len(left) > 0 {
		return fmt.Errorf("clean up %s: still there after a minute: %s", st.project, strings.Join(left, ", "))
	}
	return nil
}

func (st *deployState) edgeName() string { return fmt.Sprintf("%s-%d", edge.DefaultName, st.edgePort) }

func (st *deployState) removeServices(ctx context.Context, cli *client.Client) error {
	res, err := cli.ServiceList(ctx, client.ServiceListOptions{Filters: client.Filters{}.Add("label", convert.LabelProject+"="+st.project)})
	if err != nil {
		return fmt.Errorf("clean up %s: %w", st.project, err)
	}
	ids := []string{st.edgeName()}
	for _, s := range res.Items {
		ids = append(ids, s.ID)
	}
	for _, id := range ids {
		if _, err := cli.ServiceRemove(ctx, id, client.ServiceRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("clean up %s: remove service %s: %w", st.project, id, err)
		}
	}
	return nil
}

// removeObjects removes the project's configs, secrets and networks, and
// names those that could not be removed yet (still in use by a task that
// is stopping).
func (st *deployState) removeObjects(ctx context.Context, cli *client.Client) ([]string, error) {
	configs, err := st.configs(ctx, cli)
	if err != nil {
		return nil, err
	}
	secrets, err := cli.SecretList(ctx, client.SecretListOptions{Filters: st.projectFilter()})
	if err != nil {
		return nil, err
	}
	networks, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: st.projectFilter()})
	if err != nil {
		return nil, err
	}
	var left []string
	keep := func(kind, name string, err error) {
		if err != nil && !cerrdefs.IsNotFound(err) {
			left = append(left, fmt.Sprintf("%s %s (%v)", kind, name, err))
		}
	}
	for _, c := range configs {
		_, err := cli.ConfigRemove(ctx, c.ID, client.ConfigRemoveOptions{})
		keep("config", c.Spec.Name, err)
	}
	for _, s := range secrets.Items {
		_, err := cli.SecretRemove(ctx, s.ID, client.SecretRemoveOptions{})
		keep("secret", s.Spec.Name, err)
	}
	for _, n := range networks.Items {
		_, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		keep("network", n.Name, err)
	}
	return left, nil
}

func (st *deployState) projectFilter() client.Filters {
	return client.Filters{}.Add("label", convert.LabelProject+"="+st.project)
}

// configs lists the project's swarm configs: the stack's own, its
// history and lock (labelled with the namespace, <project>-<env>), and
// those of its edge.
func (st *deployState) configs(ctx context.Context, cli *client.Client) ([]swarm.Config, error) {
	res, err := cli.ConfigList(ctx, client.ConfigListOptions{})
	if err != nil {
		return nil, err
	}
	var out []swarm.Config
	for _, c := range res.Items {
		l := c.Spec.Labels
		if l[convert.LabelProject] == st.project ||
			strings.HasPrefix(l[deploy.LabelHistory], st.project+"-") ||
			strings.HasPrefix(l[deploy.LabelLock], st.project+"-") ||
			strings.HasPrefix(c.Spec.Name, st.edgeName()+"-cfg-") {
			out = append(out, c)
		}
	}
	return out, nil
}

// removeContainers waits (up to 30s) until swarm has removed the task
// containers of the project's services, which hold on to their images,
// then removes those it left (see orphans).
func (st *deployState) removeContainers(ctx context.Context, cli *client.Client) {
	f := client.Filters{}.Add("label", "com.docker.swarm.service.name")
	var left []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil {
			return
		}
		left = left[:0]
		for _, c := range res.Items {
			if strings.HasPrefix(c.Labels["com.docker.swarm.service.name"], st.project+"-") {
				left = append(left, c.ID)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, id := range left {
		_, _ = cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	}
}

// removeImages removes the images built for the project: tagged
// <project>/<service>:<version>, with or without a registry in front.
func (st *deployState) removeImages(ctx context.Context, cli *client.Client) {
	res, err := cli.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return
	}
	for _, img := range res.Items {
		for _, tag := range img.RepoTags {
			if strings.HasPrefix(tag, st.project+"/") || strings.Contains(tag, "/"+st.project+"/") {
				_, _ = cli.ImageRemove(ctx, tag, client.ImageRemoveOptions{Force: true})
			}
		}
	}
}

// sweepProjects runs when every script has ended: it cleans up again what
// a script's own clean-up could not remove yet (a network another
// script's edge was attached to), then fails the test if anything of this
// run's projects is left in the swarm.
func sweepProjects(t *testing.T, cli *client.Client) {
	projects.Lock()
	defer projects.Unlock()
	ctx := context.Background()
	for _, st := range projects.all {
		if err := st.cleanup(); err != nil {
			t.Error(err)
		}
		if !swarmActive(ctx, cli) {
			continue
		}
		res, err := cli.ServiceList(ctx, client.ServiceListOptions{})
		if err != nil {
			t.Error(err)
			return
		}
		for _, s := range res.Items {
			if s.Spec.Labels[convert.LabelProject] == st.project || s.Spec.Name == st.edgeName() {
				t.Errorf("service %s of project %s is still there", s.Spec.Name, st.project)
			}
		}
		configs, err := st.configs(ctx, cli)
		if err != nil {
			t.Error(err)
		}
		for _, c := range configs {
			t.Errorf("config %s of project %s is still there", c.Spec.Name, st.project)
		}
	}
}
