package local

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
)

// endpoint is where the env's manager answers and how to reach it.
type endpoint struct {
	host string
	opts []client.Opt
}

// resolveEndpoint turns the env's manager setting (default: the
// environment, as the docker CLI reads it) into client options. A plain
// tcp:// endpoint without TLS is refused unless the env says insecure =
// true: anyone who can reach it owns the cluster.
func resolveEndpoint(env *config.Environment) (endpoint, error) {
	host := env.Manager
	if host == "" {
		host = os.Getenv("DOCKER_HOST")
	}
	if host == "" {
		return endpoint{host: client.DefaultDockerHost, opts: []client.Opt{client.FromEnv}}, nil
	}
	e := endpoint{host: host}
	switch {
	case strings.HasPrefix(host, "ssh://"):
		e.opts = []client.Opt{client.WithHost("http://docker.invalid"), client.WithDialContext(sshDialer(host))}
	case strings.HasPrefix(host, "tcp://"):
		tls := env.TLS
		if tls.CA == "" && env.Manager == "" && os.Getenv("DOCKER_TLS_VERIFY") != "" {
			e.opts = []client.Opt{client.FromEnv}
			return e, nil
		}
		switch {
		case tls.CA != "" || tls.Cert != "":
			e.opts = []client.Opt{client.WithHost(host), client.WithTLSClientConfig(tls.CA, tls.Cert, tls.Key)}
		case env.Insecure:
			e.opts = []client.Opt{client.WithHost(host)}
		default:
			// A *config.Error: the file asks for something gazr refuses (exit code 2).
			return e, &config.Error{Msg: fmt.Sprintf("env %s: manager %s is plain TCP without TLS: anyone who reaches it controls the cluster; "+
				"set tls = { ca = …, cert = …, key = … } in [env.%s], use ssh://, or set insecure = true to allow it", env.Name, host, env.Name)}
		}
	default:
		e.opts = []client.Opt{client.WithHost(host)}
	}
	return e, nil
}
