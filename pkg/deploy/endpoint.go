package deploy

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// Endpoint is where a swarm manager's engine may answer, and how to
// reach it.
type Endpoint struct {
	// Host names it in messages ("ssh://deploy@m1", "tcp://10.0.1.5:2376").
	Host string
	// Opts are the client options that reach it.
	Opts []client.Opt
}

// ResolveEndpoint turns the env's manager setting (default: the
// environment, as the docker CLI reads it) into client options. A plain
// tcp:// endpoint without TLS is refused unless the env says insecure =
// true: anyone who can reach it owns the cluster.
func ResolveEndpoint(env *config.Environment) (Endpoint, error) {
	host := env.Manager
	if host == "" {
		host = os.Getenv("DOCKER_HOST")
	}
	if host == "" {
		return Endpoint{Host: client.DefaultDockerHost, Opts: []client.Opt{client.FromEnv}}, nil
	}
	e := Endpoint{Host: host}
	switch {
	case strings.HasPrefix(host, "ssh://"):
		t, err := sshconn.ParseURL(host)
		if err != nil {
			return e, &config.Error{Msg: fmt.Sprintf("env %s: %v", env.Name, err)}
		}
		e.Opts = SSHOpts(t)
	case strings.HasPrefix(host, "tcp://"):
		tls := env.TLS
		if tls.CA == "" && env.Manager == "" && os.Getenv("DOCKER_TLS_VERIFY") != "" {
			e.Opts = []client.Opt{client.FromEnv}
			return e, nil
		}
		switch {
		case tls.CA != "" || tls.Cert != "":
			e.Opts = []client.Opt{client.WithHost(host), client.WithTLSClientConfig(tls.CA, tls.Cert, tls.Key)}
		case env.Insecure:
			e.Opts = []client.Opt{client.WithHost(host)}
		default:
			// A *config.Error: the file asks for something gazr refuses (exit code 2).
			return e, &config.Error{Msg: fmt.Sprintf("env %s: manager %s is plain TCP without TLS: anyone who reaches it controls the cluster; "+
				"set tls = { ca = …, cert = …, key = … } in [env.%s], use ssh://, or set insecure = true to allow it", env.Name, host, env.Name)}
		}
	default:
		e.Opts = []client.Opt{client.WithHost(host)}
	}
	return e, nil
}

// SSHOpts are the client options of an engine reached over ssh.
func SSHOpts(t sshconn.Target) []client.Opt {
	return []client.Opt{client.WithHost("http://docker.invalid"), client.WithDialContext(sshconn.Dialer(t))}
}
