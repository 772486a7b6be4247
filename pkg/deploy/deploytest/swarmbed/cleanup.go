package swarmbed

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// cgroupRoot is where the host's cgroup hierarchies are mounted; the nodes
// bind-mount it, so their engines create cgroups in the host's.
const cgroupRoot = "/sys/fs/cgroup"

// HostAPI is what [Cleanup] needs of the host engine; *client.Client has it.
type HostAPI interface {
	client.ContainerAPIClient
	client.VolumeAPIClient
	client.NetworkAPIClient
}

// Close removes every container (with its anonymous volumes), volume and
// network the bed created, then closes its clients. The inner engines'
// state goes with the node volumes. Close may be called again after an
// error, and does nothing once it has succeeded.
func (b *Bed) Close(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	clients := b.clients
	b.clients = make([]*client.Client, len(clients))
	b.mu.Unlock()
	for _, c := range clients {
		if c != nil {
			c.Close()
		}
	}
	if err := removeLabelled(ctx, b.host, Label+"="+b.Name); err != nil {
		return fmt.Errorf("swarmbed %s: close: %w", b.Name, err)
	}
	removeCgroups(b.cgroupParent())
	if b.sshDir != "" {
		if err := os.RemoveAll(b.sshDir); err != nil {
			return fmt.Errorf("swarmbed %s: close: %w", b.Name, err)
		}
	}
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	if b.ownsHC {
		b.host.Close()
	}
	b.logf("removed")
	return nil
}

// Cleanup removes the leftovers of beds whose process ended without
// Close (a crash, a killed `go test`): every container, volume and network
// carrying [Label] whose [LabelOwner] is a process of this machine that is
// gone, or that has no owner. Beds of live processes, and of other
// machines sharing the engine, are left alone, so Cleanup is safe to call
// at any time (e.g. from TestMain).
func Cleanup(ctx context.Context, host HostAPI) error {
	beds, err := leftoverBeds(ctx, host)
	if err != nil {
		return fmt.Errorf("swarmbed cleanup: %w", err)
	}
	var errs []error
	for _, name := range beds {
		if err := removeLabelled(ctx, host, Label+"="+name); err != nil {
			errs = append(errs, fmt.Errorf("bed %s: %w", name, err))
		}
		removeCgroups("/gazr-swarmbed/" + name)
		removeSSHDirs(name)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("swarmbed cleanup: %w", err)
	}
	return nil
}

// removeSSHDirs removes the temporary ssh directories of bed name.
func removeSSHDirs(name string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), name+sshDirPattern))
	for _, d := range dirs {
		_ = os.RemoveAll(d)
	}
}

// leftoverBeds names the beds whose owner is gone.
func leftoverBeds(ctx context.Context, host HostAPI) ([]string, error) {
	f := client.Filters{}.Add("label", Label)
	owners := map[string]string{} // bed name → owner
	cs, err := host.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range cs.Items {
		owners[c.Labels[Label]] = c.Labels[LabelOwner]
	}
	vs, err := host.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vs.Items {
		owners[v.Labels[Label]] = v.Labels[LabelOwner]
	}
	ns, err := host.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	for _, n := range ns.Items {
		owners[n.Labels[Label]] = n.Labels[LabelOwner]
	}
	var out []string
	for bed, owner := range owners {
		if !ownerAlive(owner) {
			out = append(out, bed)
		}
	}
	slices.Sort(out)
	return out, nil
}

// owner is this process, as "hostname/pid".
var owner = sync.OnceValue(func() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s/%d", h, os.Getpid())
})

// ownerAlive reports whether a bed's owner may still use it: a process of
// this machine that still runs, or any process of another machine (which
// we cannot check).
func ownerAlive(o string) bool {
	h, pid, ok := strings.Cut(o, "/")
	if !ok {
		return false
	}
	if me, _ := os.Hostname(); h != me {
		return true
	}
	n, err := strconv.Atoi(pid)
	if err != nil {
		return false
	}
	p, err := os.FindProcess(n)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// removeLabelled removes the containers, then the volumes and networks
// they used, matching a label filter ("key" or "key=value").
func removeLabelled(ctx context.Context, host HostAPI, label string) error {
	f := client.Filters{}.Add("label", label)
	cs, err := host.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	errs := make([]error, len(cs.Items))
	var wg sync.WaitGroup
	for k, c := range cs.Items {
		wg.Go(func() {
			_, err := host.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			if err != nil && !cerrdefs.IsNotFound(err) {
				errs[k] = fmt.Errorf("remove container %s: %w", c.Names, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err // volumes and networks still in use
	}
	vs, err := host.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vs.Items {
		if _, err := host.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("remove volume %s: %w", v.Name, err))
		}
	}
	ns, err := host.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("list networks: %w", err))...)
	}
	for _, n := range ns.Items {
		if _, err := host.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("remove network %s: %w", n.Name, err))
		}
	}
	return errors.Join(errs...)
}

// cgroupParent is the cgroup under which the bed's inner engines put their
// containers (one child per node).
func (b *Bed) cgroupParent() string { return "/gazr-swarmbed/" + b.Name }

// removeCgroups removes the empty cgroups under path in every hierarchy
// mounted at cgroupRoot, deepest first. A node killed while its tasks run
// (StopNode, Close) leaves their cgroups behind, empty. This works only
// where the host engine runs on this machine, and is best effort: a
// cgroup still in use is left alone (the kernel refuses to remove it).
func removeCgroups(path string) {
	roots, _ := filepath.Glob(cgroupRoot + "/*")
	roots = append(roots, cgroupRoot) // cgroup v2: one hierarchy at the root
	for _, root := range roots {
		top := filepath.Join(root, path)
		var dirs []string
		_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		slices.Reverse(dirs) // children before parents
		for _, d := range dirs {
			_ = os.Remove(d)
		}
		// The parents, up to the hierarchy's root, if no other bed uses them.
		for d := filepath.Dir(top); len(d) > len(root); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
}
