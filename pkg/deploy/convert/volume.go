package convert

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/mount"
)

// mounts converts the volumes and tmpfs entries of s, in compose order
// (a mount inside another must come after it).
func (c *converter) mounts(s types.ServiceConfig) ([]mount.Mount, error) {
	var out []mount.Mount
	for i, v := range s.Volumes {
		m, err := c.mount(v)
		if err != nil {
			return nil, fmt.Errorf("volumes[%d] (%s): %w", i, v.Target, err)
		}
		out = append(out, m)
	}
	for i, t := range s.Tmpfs {
		path, opts, _ := strings.Cut(t, ":")
		if opts != "" {
			return nil, fmt.Errorf("tmpfs[%d]: options %q: swarm takes tmpfs options from a volume of type tmpfs (tmpfs.size, tmpfs.mode)", i, opts)
		}
		out = append(out, mount.Mount{Type: mount.TypeTmpfs, Target: path})
	}
	return out, nil
}

// mount converts one compose volume entry.
func (c *converter) mount(v types.ServiceVolumeConfig) (mount.Mount, error) {
	m := mount.Mount{Target: v.Target, ReadOnly: v.ReadOnly}
	switch v.Type {
	case types.VolumeTypeVolume:
		m.Type = mount.TypeVolume
		return c.volumeMount(m, v), nil
	case types.VolumeTypeBind:
		m.Type, m.Source = mount.TypeBind, v.Source
		if b := v.Bind; b != nil {
			if b.SELinux != "" {
				return m, fmt.Errorf("bind.selinux %q: swarm cannot relabel bind mounts", b.SELinux)
			}
			if b.Propagation != "" {
				m.BindOptions = &mount.BindOptions{Propagation: mount.Propagation(b.Propagation)}
			}
		}
		return m, nil
	case types.VolumeTypeTmpfs:
		m.Type = mount.TypeTmpfs
		if t := v.Tmpfs; t != nil && (t.Size != 0 || t.Mode != 0) {
			m.TmpfsOptions = &mount.TmpfsOptions{SizeBytes: int64(t.Size), Mode: os.FileMode(t.Mode)}
		}
		return m, nil
	}
	return m, fmt.Errorf("type %q: swarm services mount volumes, binds and tmpfs only", v.Type)
}

// volumeMount completes a volume mount: named volumes are namespaced
// (external ones keep their name) and carry their driver and labels;
// anonymous ones stay anonymous.
func (c *converter) volumeMount(m mount.Mount, v types.ServiceVolumeConfig) mount.Mount {
	opts := &mount.VolumeOptions{}
	if vv := v.Volume; vv != nil {
		opts.NoCopy, opts.Subpath = vv.NoCopy, vv.Subpath
		opts.Labels = vv.Labels
	}
	if v.Source != "" {
		def := c.p.Volumes[v.Source]
		if def.External {
			m.Source = cmp.Or(def.Name, v.Source)
		} else {
			m.Source = c.ns + "_" + v.Source
			own := map[string]string{}
			maps.Copy(own, def.Labels)
			maps.Copy(own, opts.Labels)
			opts.Labels = c.objectLabels(own)
			if def.Driver != "" || len(def.DriverOpts) > 0 {
				opts.DriverConfig = &mount.Driver{Name: def.Driver, Options: def.DriverOpts}
			}
		}
	}
	if opts.NoCopy || opts.Subpath != "" || len(opts.Labels) > 0 || opts.DriverConfig != nil {
		m.VolumeOptions = opts
	}
	return m
}
