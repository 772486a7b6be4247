package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
)

// fakeAPI is an engine as the checks see it.
type fakeAPI struct {
	host       string
	pingErr    error
	hang       bool // Ping blocks until its context ends
	api        string
	versionErr error
	info       system.Info
	infoErr    error
	images     map[string]bool // present
	pullable   map[string]bool // known to their registry
	containers []container.Summary
	listErr    error
	listed     []client.ContainerListOptions
}

func newFake() *fakeAPI {
	return &fakeAPI{
		host: "unix:///var/run/docker.sock", api: "1.41",
		info:   system.Info{Name: "box", DockerRootDir: "/var/lib/docker", Swarm: swarm.Info{LocalNodeState: swarm.LocalNodeStateInactive}},
		images: map[string]bool{}, pullable: map[string]bool{},
	}
}

func (f *fakeAPI) DaemonHost() string { return f.host }

func (f *fakeAPI) Ping(ctx context.Context, _ client.PingOptions) (client.PingResult, error) {
	if f.hang {
		<-ctx.Done()
		return client.PingResult{}, ctx.Err()
	}
	return client.PingResult{APIVersion: f.api}, f.pingErr
}

func (f *fakeAPI) ServerVersion(context.Context, client.ServerVersionOptions) (client.ServerVersionResult, error) {
	return client.ServerVersionResult{Version: "20.10.24", APIVersion: f.api}, f.versionErr
}

func (f *fakeAPI) Info(context.Context, client.InfoOptions) (client.SystemInfoResult, error) {
	return client.SystemInfoResult{Info: f.info}, f.infoErr
}

func (f *fakeAPI) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	if f.images[ref] {
		return client.ImageInspectResult{}, nil
	}
	return client.ImageInspectResult{}, fmt.Errorf("No such image: %s: %w", ref, cerrdefs.ErrNotFound)
}

func (f *fakeAPI) DistributionInspect(_ context.Context, ref string, _ client.DistributionInspectOptions) (client.DistributionInspectResult, error) {
	if f.pullable[ref] {
		return client.DistributionInspectResult{}, nil
	}
	return client.DistributionInspectResult{}, errors.New(`Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host`)
}

func (f *fakeAPI) ContainerList(_ context.Context, o client.ContainerListOptions) (client.ContainerListResult, error) {
	f.listed = append(f.listed, o)
	return client.ContainerListResult{Items: f.containers}, f.listErr
}

// doctor returns a Doctor on f, on machine "box" with 50 GiB free and
// every port free but those in busy.
func doctor(f *fakeAPI, busy ...string) *Doctor {
	return &Doctor{
		API: f, Hostname: "box",
		Statfs: func(string) (uint64, uint64, error) { return 50 << 30, 100 << 30, nil },
		Listen: func(network, addr string) (io.Closer, error) {
			for _, b := range busy {
				if b == network+" "+addr {
					return nil, errors.New("listen " + network + " " + addr + ": bind: address already in use")
				}
			}
			return io.NopCloser(nil), nil
		},
	}
}
