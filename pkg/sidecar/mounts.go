package sidecar

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/mount"
)

// mountSet is what a service mounts, in the engine's terms.
type mountSet struct {
	// binds are bind mounts whose host path is created when missing
	// (compose's create_host_path, the default of the short syntax): the
	// engine does that for Binds, not for Mounts.
	binds   []string
	mounts  []mount.Mount
	tmpfs   map[string]string
	volumes []Volume
}

// convertMounts converts a service's volumes, secrets and configs, and
// gives the image's VOLUME paths named volumes.
func convertMounts(p *types.Project, svc types.ServiceConfig, t Target) (*mountSet, error) {
	ms := &mountSet{}
	targets := map[string]bool{}
	for _, v := range svc.Volumes {
		targets[path.Clean(v.Target)] = true
		if err := ms.add(p, svc, t, v); err != nil {
			return nil, fmt.Errorf("volumes: %s: %w", v.Target, err)
		}
	}
	files, err := fileMounts(p, svc)
	if err != nil {
		return nil, err
	}
	for _, m := range files {
		targets[m.Target] = true
		ms.mounts = append(ms.mounts, m)
	}
	for _, dir := range slices.Sorted(slices.Values(t.ImageVolumes)) {
		if targets[path.Clean(dir)] {
			continue
		}
		ms.addAnonymous(svc, t, types.ServiceVolumeConfig{Type: types.VolumeTypeVolume, Target: dir})
	}
	return ms, nil
}

func (ms *mountSet) add(p *types.Project, svc types.ServiceConfig, t Target, v types.ServiceVolumeConfig) error {
	switch v.Type {
	case types.VolumeTypeBind:
		src := v.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(p.WorkingDir, src)
		}
		if v.Bind == nil || bool(v.Bind.CreateHostPath) {
			ms.binds = append(ms.binds, bindSpec(src, v))
			return nil
		}
		m := mount.Mount{Type: mount.TypeBind, Source: src, Target: v.Target, ReadOnly: v.ReadOnly}
		if v.Bind.Propagation != "" {
			m.BindOptions = &mount.BindOptions{Propagation: mount.Propagation(v.Bind.Propagation)}
		}
		ms.mounts = append(ms.mounts, m)
	case types.VolumeTypeVolume:
		if v.Source == "" {
			ms.addAnonymous(svc, t, v)
			return nil
		}
		cfg, ok := p.Volumes[v.Source]
		if !ok {
			return fmt.Errorf("volume %q is not declared under the top-level volumes", v.Source)
		}
		name := cfg.Name
		if name == "" {
			name = p.Name + "_" + v.Source
		}
		vol := Volume{Name: name, Driver: cfg.Driver, DriverOpts: cfg.DriverOpts, External: bool(cfg.External)}
		if !vol.External {
			vol.Labels = volumeLabels(t.Project, v.Source, cfg.Labels)
		}
		ms.volumes = append(ms.volumes, vol)
		ms.mounts = append(ms.mounts, volumeMount(name, v))
	case types.VolumeTypeTmpfs:
		m := mount.Mount{Type: mount.TypeTmpfs, Target: v.Target, ReadOnly: v.ReadOnly}
		if v.Tmpfs != nil {
			m.TmpfsOptions = &mount.TmpfsOptions{SizeBytes: int64(v.Tmpfs.Size)}
			if v.Tmpfs.Mode != 0 {
				m.TmpfsOptions.Mode = modeOf(v.Tmpfs.Mode)
			}
		}
		ms.mounts = append(ms.mounts, m)
	default:
		return fmt.Errorf("volumes of type %q are not supported by gazr's sidecars (bind, volume and tmpfs are)", v.Type)
	}
	return nil
}

// addAnonymous mounts a named volume, <project>_<service>_<path>, where
// compose would mount an anonymous one.
func (ms *mountSet) addAnonymous(svc types.ServiceConfig, t Target, v types.ServiceVolumeConfig) {
	key := svc.Name + "_" + pathSlug(v.Target)
	name := t.Project + "_" + key
	ms.volumes = append(ms.volumes, Volume{Name: name, Labels: volumeLabels(t.Project, key, nil)})
	ms.mounts = append(ms.mounts, volumeMount(name, v))
}

func volumeLabels(project, key string, own types.Labels) map[string]string {
	l := map[string]string{}
	for k, v := range own {
		l[k] = v
	}
	for k, v := range objectLabels(project) {
		l[k] = v
	}
	l[LabelVolume] = key
	return l
}

func volumeMount(name string, v types.ServiceVolumeConfig) mount.Mount {
	m := mount.Mount{Type: mount.TypeVolume, Source: name, Target: v.Target, ReadOnly: v.ReadOnly}
	if v.Volume != nil && (v.Volume.NoCopy || v.Volume.Subpath != "") {
		m.VolumeOptions = &mount.VolumeOptions{NoCopy: v.Volume.NoCopy, Subpath: v.Volume.Subpath}
	}
	return m
}

// bindSpec renders a bind mount in the engine's Binds syntax,
// "source:target[:options]".
func bindSpec(src string, v types.ServiceVolumeConfig) string {
	var opts []string
	if v.ReadOnly {
		opts = append(opts, "ro")
	}
	if v.Bind != nil {
		if v.Bind.SELinux != "" {
			opts = append(opts, v.Bind.SELinux)
		}
		if v.Bind.Propagation != "" {
			opts = append(opts, v.Bind.Propagation)
		}
	}
	s := src + ":" + v.Target
	if len(opts) > 0 {
		s += ":" + strings.Join(opts, ",")
	}
	return s
}

// pathSlug turns a container path into a volume name part:
// /var/lib/postgresql/data -> var-lib-postgresql-data.
func pathSlug(p string) string {
	p = strings.Trim(path.Clean(p), "/")
	if p == "" {
		return "root"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '/':
			return '-'
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, p)
}

// tmpfsList converts compose's tmpfs list ("/run", "/tmp:size=64m").
func tmpfsList(list types.StringList) map[string]string {
	if len(list) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, e := range list {
		dir, opts, _ := strings.Cut(e, ":")
		out[dir] = opts
	}
	return out
}

// fileMounts mounts the service's file-based secrets (at /run/secrets/<name>)
// and configs (at /<name>) read-only, as docker compose does outside swarm.
func fileMounts(p *types.Project, svc types.ServiceConfig) ([]mount.Mount, error) {
	var out []mount.Mount
	for _, s := range svc.Secrets {
		obj, ok := p.Secrets[s.Source]
		if !ok {
			return nil, fmt.Errorf("secrets: %q is not declared under the top-level secrets", s.Source)
		}
		target := s.Target
		if target == "" {
			target = s.Source
		}
		if !path.IsAbs(target) {
			target = "/run/secrets/" + target
		}
		m, err := fileMount(p, "secret", s.Source, types.FileObjectConfig(obj), target)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	for _, c := range svc.Configs {
		obj, ok := p.Configs[c.Source]
		if !ok {
			return nil, fmt.Errorf("configs: %q is not declared under the top-level configs", c.Source)
		}
		target := c.Target
		if target == "" {
			target = "/" + c.Source
		}
		m, err := fileMount(p, "config", c.Source, types.FileObjectConfig(obj), target)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func fileMount(p *types.Project, kind, name string, obj types.FileObjectConfig, target string) (mount.Mount, error) {
	if obj.File == "" {
		return mount.Mount{}, fmt.Errorf("%ss: %q: only %ss from a file are supported by gazr's sidecars", kind, name, kind)
	}
	src := obj.File
	if !filepath.IsAbs(src) {
		src = filepath.Join(p.WorkingDir, src)
	}
	return mount.Mount{Type: mount.TypeBind, Source: src, Target: path.Clean(target), ReadOnly: true}, nil
}

func modeOf(m uint32) os.FileMode { return os.FileMode(m) }
