package image

import (
	"fmt"

	"github.com/compose-spec/compose-go/v2/types"
)

// ComposeSecrets returns the build secrets a compose build section names
// (build.secrets), from the project's top-level secrets, as `docker
// compose build` gives them: the secret's id is its target, else its
// source; its content is its file (a path compose-go made absolute) or
// the value of its environment variable in the project's environment
// (gazr's, and .env). Other kinds (external secrets), and a variable that
// is not set, are an error.
func ComposeSecrets(p *types.Project, b *types.BuildConfig) (map[string]BuildSecret, error) {
	if b == nil || len(b.Secrets) == 0 {
		return nil, nil
	}
	out := make(map[string]BuildSecret, len(b.Secrets))
	for _, s := range b.Secrets {
		def, ok := p.Secrets[s.Source]
		if !ok {
			return nil, fmt.Errorf("build secret %q is not defined in the top-level secrets", s.Source)
		}
		id := s.Source
		if s.Target != "" {
			id = s.Target
		}
		switch {
		case def.File != "":
			out[id] = BuildSecret{File: def.File}
		case def.Environment != "":
			v, ok := p.Environment[def.Environment]
			if !ok {
				return nil, fmt.Errorf("build secret %q: environment variable %s is not set", s.Source, def.Environment)
			}
			out[id] = BuildSecret{Value: []byte(v)}
		default:
			return nil, fmt.Errorf("build secret %q: only file and environment secrets can be given to a build", s.Source)
		}
	}
	return out, nil
}
