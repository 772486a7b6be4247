package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/swarm"
)

// LabelEdge marks the edge service and its configs.
const LabelEdge = "io.gazr.edge"

// ConfigPath is where the edge's haproxy.cfg is mounted, as in the official
// haproxy image.
const ConfigPath = "/usr/local/etc/haproxy/haproxy.cfg"

// Defaults of Options.
const (
	DefaultName  = "gazr-edge"
	DefaultImage = "haproxy:2.6"
	DefaultPort  = 80
)

// Options shape the edge service. The zero value is usable.
type Options struct {
	// Name of the service; its configs are named after it. Default DefaultName.
	Name string
	// Image runs haproxy 2.6 or later with bash, like the official
	// (Debian-based) image. Default DefaultImage; tests use
	// gazr-test/haproxy:2.6.
	Image string
	// Port is the host port published on every manager. Default DefaultPort.
	Port int
	// Networks the edge joins: every overlay network of a routed service,
	// since Docker's DNS answers tasks.<service> only on shared networks.
	Networks []string
	// Labels are added to the service's and the config's own; LabelEdge
	// cannot be overridden.
	Labels map[string]string
}

// nameRE leaves room for "-cfg-<12 hex digits>" in swarm's 64-byte names.
var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,46}$`)

func (o Options) withDefaults() (Options, error) {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.Image == "" {
		o.Image = DefaultImage
	}
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if !nameRE.MatchString(o.Name) {
		return o, fmt.Errorf("edge: name %q: want at most 47 letters, digits, '_', '.' or '-'", o.Name)
	}
	if o.Port < 1 || o.Port > 65535 {
		return o, fmt.Errorf("edge: host port %d is not in 1-65535", o.Port)
	}
	for _, n := range o.Networks {
		if n == "" {
			return o, fmt.Errorf("edge: empty network name in %q", o.Networks)
		}
	}
	return o, nil
}

// Spec returns the edge service routing routes and the swarm config holding
// its haproxy.cfg (see Config).
//
// Swarm configs are immutable, so the config is named after its content,
// "<Name>-cfg-<first 12 hex digits of its sha256>": new routes give a new
// config and thus a service update. The caller creates the config (if no
// config of that name exists), MUST then set the ConfigID of the service's
// one ContainerSpec.Configs entry (swarm refuses a reference by name
// alone), and may remove the edge's older configs once the update is done.
//
// The service: global on managers (node.role==manager), so every manager
// answers on Port with its published port in host mode (no routing mesh);
// dnsrr endpoint (no VIP); stopped with SIGUSR1, haproxy's soft stop, within
// a grace period longer than the config's hard-stop-after; health-checked
// through HealthURI; updated stop-first (two tasks cannot share a host port)
// one node at a time, rolling back when the new task fails.
func Spec(o Options, routes []Route) (swarm.ServiceSpec, swarm.ConfigSpec, error) {
	o, err := o.withDefaults()
	if err != nil {
		return swarm.ServiceSpec{}, swarm.ConfigSpec{}, err
	}
	cfg, err := Config(routes)
	if err != nil {
		return swarm.ServiceSpec{}, swarm.ConfigSpec{}, err
	}
	sum := sha256.Sum256(cfg)
	cfgName := fmt.Sprintf("%s-cfg-%s", o.Name, hex.EncodeToString(sum[:])[:12])
	labels := maps.Clone(o.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelEdge] = "true"

	configSpec := swarm.ConfigSpec{
		Annotations: swarm.Annotations{Name: cfgName, Labels: maps.Clone(labels)},
		Data:        cfg,
	}
	service := swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: o.Name, Labels: labels},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: containerSpec(o, cfgName),
			RestartPolicy: &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionAny, Delay: ptr(time.Second)},
			Placement:     &swarm.Placement{Constraints: []string{"node.role==manager"}},
			Networks:      networks(o.Networks),
		},
		Mode:           swarm.ServiceMode{Global: &swarm.GlobalService{}},
		UpdateConfig:   updateConfig(swarm.UpdateFailureActionRollback),
		RollbackConfig: updateConfig(swarm.UpdateFailureActionPause),
		EndpointSpec: &swarm.EndpointSpec{
			Mode: swarm.ResolutionModeDNSRR,
			Ports: []swarm.PortConfig{{
				Protocol: network.TCP, TargetPort: 80, PublishedPort: uint32(o.Port),
				PublishMode: swarm.PortConfigPublishModeHost,
			}},
		},
	}
	return service, configSpec, nil
}

func containerSpec(o Options, cfgName string) *swarm.ContainerSpec {
	return &swarm.ContainerSpec{
		Image: o.Image,
		// Explicit, not the image's CMD: the official image's entrypoint
		// and Debian's package differ, and both accept this.
		Command:         []string{"haproxy", "-W", "-db", "-f", ConfigPath},
		StopSignal:      "SIGUSR1",
		StopGracePeriod: ptr(hardStopAfter + 5*time.Second),
		Configs: []*swarm.ConfigReference{{
			ConfigName: cfgName,
			File:       &swarm.ConfigReferenceFileTarget{Name: ConfigPath, UID: "0", GID: "0", Mode: 0o444},
		}},
		Healthcheck: &container.HealthConfig{
			Test:        HealthCheck(),
			Interval:    5 * time.Second,
			Timeout:     3 * time.Second,
			StartPeriod: 10 * time.Second,
			Retries:     3,
		},
	}
}

// HealthCheck is the edge container's health check command: an HTTP GET of
// HealthURI on :80 with bash's /dev/tcp, as the image has no HTTP client.
func HealthCheck() []string {
	return []string{"CMD", "bash", "-c",
		`exec 3<>/dev/tcp/127.0.0.1/80 && printf 'GET ` + HealthURI + ` HTTP/1.0\r\n\r\n' >&3 && read -r -t 2 status <&3 && [[ $status == *' 200 '* ]]`}
}

// networks attaches each network once (swarm refuses duplicates), in the
// order given.
func networks(names []string) []swarm.NetworkAttachmentConfig {
	var out []swarm.NetworkAttachmentConfig
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, swarm.NetworkAttachmentConfig{Target: n})
		}
	}
	return out
}

func updateConfig(onFailure swarm.FailureAction) *swarm.UpdateConfig {
	return &swarm.UpdateConfig{
		Parallelism:   1, // one manager at a time keeps the others answering
		Delay:         5 * time.Second,
		FailureAction: onFailure,
		Monitor:       15 * time.Second,
		Order:         swarm.UpdateOrderStopFirst, // the host port cannot be shared
	}
}

func ptr[T any](v T) *T { return &v }
