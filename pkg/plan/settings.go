package plan

import (
	"strings"
)

// Settings names every part of the step that decides what its run does,
// for fingerprinting: a change to any of them means the work is not the
// one recorded. imageID is the image's content ID (the engine's), so that
// a rebuilt or re-pulled tag counts as a change. The network is left out:
// it is set at run time. Values are hashed before they are stored.
func (s *Step) Settings(imageID string) map[string]string {
	m := map[string]string{
		"image":     s.Image.Value + "@" + imageID,
		"commands":  strings.Join(s.Cmd(), "\x00"),
		"workdir":   s.Workdir.Value,
		"user":      s.User.Value,
		"sources":   strings.Join(s.Sources.Values, "\x00"),
		"generates": strings.Join(s.Generates.Values, "\x00"),
	}
	for _, e := range s.Env {
		m["env "+e.Name] = e.Value
	}
	var mounts []string
	for _, mt := range s.Mounts {
		mode := "rw"
		if mt.ReadOnly {
			mode = "ro"
		}
		mounts = append(mounts, mt.Source+":"+mt.Target+":"+mode)
	}
	for _, c := range s.Caches {
		mounts = append(mounts, c.Volume+":"+c.Target)
	}
	m["mounts"] = strings.Join(mounts, "\x00")
	if len(s.Services.Values) > 0 {
		m["services"] = strings.Join(s.Services.Values, "\x00")
	}
	return m
}
