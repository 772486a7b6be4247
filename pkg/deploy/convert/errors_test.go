package convert_test

import (
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// TestConvertErrors checks that what swarm cannot do is refused, with the
// service (or object) and the compose key named.
func TestConvertErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		opts    func(*convert.Options)
		wantErr string
	}{
		{"build without image", "services:\n  web:\n    build: .\n",
			nil, `service "web": build: swarm cannot build images`},
		{"privileged", "services:\n  web:\n    image: a\n    privileged: true\n",
			nil, `service "web": privileged:`},
		{"network_mode host", "services:\n  web:\n    image: a\n    network_mode: host\n    ports: [\"80:80\"]\n",
			nil, `service "web": network_mode: swarm services attach to networks`},
		{"devices", "services:\n  web:\n    image: a\n    devices: [\"/dev/fuse:/dev/fuse\"]\n",
			nil, `service "web": devices:`},
		{"pid host", "services:\n  web:\n    image: a\n    pid: host\n",
			nil, `service "web": pid:`},
		{"shm_size", "services:\n  web:\n    image: a\n    shm_size: 1g\n",
			nil, `service "web": shm_size:`},
		{"cpu_shares", "services:\n  web:\n    image: a\n    cpu_shares: 512\n",
			nil, `service "web": cpu tuning`},
		{"security_opt", "services:\n  web:\n    image: a\n    security_opt: [\"seccomp=unconfined\"]\n",
			nil, `service "web": security_opt "seccomp=unconfined"`},
		{"depends_on completed", "services:\n  web:\n    image: a\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n  migrate:\n    image: a\n",
			nil, `service "web": depends_on.migrate: condition service_completed_successfully`},
		{"host_ip", "services:\n  web:\n    image: a\n    ports: [\"127.0.0.1:5432:5432\"]\n",
			nil, `service "web": ports[0]: host_ip "127.0.0.1"`},
		{"published range", "services:\n  web:\n    image: a\n    ports: [\"8000-8010:80\"]\n",
			nil, `service "web": ports[0]: published "8000-8010"`},
		{"endpoint_mode vip", "services:\n  web:\n    image: a\n    deploy:\n      endpoint_mode: vip\n",
			nil, `service "web": deploy.endpoint_mode "vip": only dnsrr`},
		{"global with replicas", "services:\n  web:\n    image: a\n    deploy:\n      mode: global\n      replicas: 2\n",
			nil, `service "web": deploy.mode global`},
		{"global with a replicas override", "services:\n  web:\n    image: a\n    deploy:\n      mode: global\n",
			func(o *convert.Options) { o.Replicas = map[string]uint64{"web": 3} }, `service "web": deploy.mode global`},
		{"job mode", "services:\n  web:\n    image: a\n    deploy:\n      mode: replicated-job\n",
			nil, `service "web": deploy.mode "replicated-job"`},
		{"replicas for an unknown service", "services:\n  web:\n    image: a\n",
			func(o *convert.Options) { o.Replicas = map[string]uint64{"wbe": 3} }, `replicas given for "wbe", which is no service of the project (services: web)`},
		{"static address", "services:\n  web:\n    image: a\n    networks:\n      back:\n        ipv4_address: 10.0.0.5\nnetworks:\n  back: {}\n",
			nil, `service "web": networks.back: swarm assigns addresses itself`},
		{"bridge network", "services:\n  web:\n    image: a\n    networks: [back]\nnetworks:\n  back:\n    driver: bridge\n",
			nil, `network "back": driver "bridge": swarm services need overlay networks`},
		{"bad subnet", "services:\n  web:\n    image: a\n    networks: [back]\nnetworks:\n  back:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/33\n",
			nil, `network "back": ipam subnet:`},
		{"npipe volume", "services:\n  web:\n    image: a\n    volumes:\n      - type: npipe\n        source: \\\\.\\pipe\\docker_engine\n        target: \\\\.\\pipe\\docker_engine\n",
			nil, `service "web": volumes[0]`},
		{"tmpfs options", "services:\n  web:\n    image: a\n    tmpfs: [\"/run:size=64m\"]\n",
			nil, `service "web": tmpfs[0]: options "size=64m"`},
		{"bad restart", "services:\n  web:\n    image: a\n    restart: on-failure:x\n",
			nil, `service "web": restart "on-failure:x"`},
		{"secret without content", "services:\n  web:\n    image: a\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./pw.txt\n",
			nil, `secret "pw": its content was not provided (file "/src/shop/pw.txt")`},
		{"empty secret", "services:\n  web:\n    image: a\n    secrets: [pw]\nsecrets:\n  pw:\n    environment: PW\n",
			func(o *convert.Options) { o.SecretData = map[string][]byte{"pw": {}} }, `secret "pw" is empty (environment variable "PW")`},
		{"secret driver", "services:\n  web:\n    image: a\n    secrets: [pw]\nsecrets:\n  pw:\n    driver: vault\n    file: ./pw\n",
			func(o *convert.Options) { o.SecretData = map[string][]byte{"pw": []byte("x")} }, `secret "pw": driver "vault"`},
		{"secret name too long", "services:\n  web:\n    image: a\n    secrets: [a_very_long_secret_name_that_will_not_fit_in_swarm]\nsecrets:\n  a_very_long_secret_name_that_will_not_fit_in_swarm:\n    file: ./x\n",
			func(o *convert.Options) {
				o.SecretData = map[string][]byte{"a_very_long_secret_name_that_will_not_fit_in_swarm": []byte("x")}
			}, `swarm name "shop-staging_a_very_long_secret_name_that_will_not_fit_in_swarm_96c25024" is invalid`},
		{"service name too long", "services:\n  a-service-name-long-enough-to-overflow-a-dns-label-xxxxxx:\n    image: a\n",
			nil, `swarm name "shop-staging_a-service-name-long-enough-to-overflow-a-dns-label-xxxxxx" is invalid`},
		{"service name with a dot", "services:\n  web.v2:\n    image: a\n",
			nil, `service "web.v2": swarm name "shop-staging_web.v2" is invalid`},
		{"bad dns", "services:\n  web:\n    image: a\n    dns: [resolver.example.com]\n",
			nil, `service "web": dns: "resolver.example.com" is not an IP address`},
		{"healthcheck disabled with a test", "services:\n  web:\n    image: a\n    healthcheck:\n      disable: true\n      test: [\"CMD\", \"true\"]\n",
			nil, `service "web": healthcheck: disable and test are both set`},
		{"no project", "services:\n  web:\n    image: a\n",
			func(o *convert.Options) { o.Project = "" }, "convert: no project name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := convertYAML(t, tt.in, opts(tt.opts))
			if err == nil {
				t.Fatalf("no error; got stack %s", dump(t, st))
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}
