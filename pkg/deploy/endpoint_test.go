package deploy

import (
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
)

// TestResolveEndpoint: the env's manager setting becomes client options;
// plain TCP is refused unless insecure.
func TestResolveEndpoint(t *testing.T) {
	tests := []struct {
		name               string
		manager            string
		tls                config.TLS
		insecure           bool
		dockerHost, verify string // DOCKER_HOST, DOCKER_TLS_VERIFY
		wantHost           string
		wantErr            string
	}{
		{name: "default engine", wantHost: client.DefaultDockerHost},
		{name: "DOCKER_HOST unix", dockerHost: "unix:///tmp/d.sock", wantHost: "unix:///tmp/d.sock"},
		{name: "DOCKER_HOST tcp with TLS verify", dockerHost: "tcp://h:2376", verify: "1", wantHost: "tcp://h:2376"},
		{name: "DOCKER_HOST plain tcp", dockerHost: "tcp://h:2375", wantErr: "plain TCP without TLS"},
		{name: "DOCKER_HOST plain tcp, insecure", dockerHost: "tcp://h:2375", insecure: true, wantHost: "tcp://h:2375"},
		{name: "manager over DOCKER_HOST", manager: "unix:///m.sock", dockerHost: "tcp://h:2375", wantHost: "unix:///m.sock"},
		{name: "ssh", manager: "ssh://deploy@m1", wantHost: "ssh://deploy@m1"},
		{name: "tcp with TLS", manager: "tcp://m1:2376", tls: config.TLS{CA: "ca.pem", Cert: "c.pem", Key: "k.pem"}, wantHost: "tcp://m1:2376"},
		{name: "plain tcp, insecure", manager: "tcp://m1:2375", insecure: true, wantHost: "tcp://m1:2375"},
		{name: "plain tcp refused", manager: "tcp://m1:2375", wantErr: `set insecure = true`},
		// The process's TLS settings are for DOCKER_HOST, not the env's manager.
		{name: "plain tcp manager, DOCKER_TLS_VERIFY set", manager: "tcp://m1:2375", verify: "1", wantErr: "plain TCP without TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", tt.dockerHost)
			t.Setenv("DOCKER_TLS_VERIFY", tt.verify)
			env := &config.Environment{Name: "staging", Manager: tt.manager, TLS: tt.tls, Insecure: tt.insecure}
			ep, err := ResolveEndpoint(env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.Host != tt.wantHost || len(ep.Opts) == 0 {
				t.Fatalf("endpoint %q with %d options, want %q", ep.Host, len(ep.Opts), tt.wantHost)
			}
		})
	}
}
