package edge

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
)

var sampleRoutes = []Route{{Host: "web-staging.example.com", Service: "shop-staging_web", Port: 8080, Health: "/health"}}

func TestSpecDefaults(t *testing.T) {
	svc, cfg, err := Spec(Options{}, sampleRoutes)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Name != "gazr-edge" {
		t.Errorf("service name %q, want gazr-edge", svc.Name)
	}
	cs := svc.TaskTemplate.ContainerSpec
	if cs.Image != "haproxy:2.6" {
		t.Errorf("image %q, want haproxy:2.6", cs.Image)
	}
	if !regexp.MustCompile(`^gazr-edge-cfg-[0-9a-f]{12}$`).MatchString(cfg.Name) {
		t.Errorf("config name %q, want gazr-edge-cfg-<12 hex digits>", cfg.Name)
	}
	want, _ := Config(sampleRoutes)
	if string(cfg.Data) != string(want) {
		t.Error("the config's data is not Config(routes)")
	}
	ports := svc.EndpointSpec.Ports
	if len(ports) != 1 || ports[0].PublishedPort != 80 || ports[0].TargetPort != 80 ||
		ports[0].PublishMode != swarm.PortConfigPublishModeHost || ports[0].Protocol != "tcp" {
		t.Errorf("ports %+v, want 80→80/tcp in host mode", ports)
	}
}

func TestSpec(t *testing.T) {
	o := Options{
		Name: "edge", Image: "gazr-test/haproxy:2.6", Port: 8088,
		Networks: []string{"shop-staging_default", "blog-production_default", "shop-staging_default"},
		Labels:   map[string]string{"io.gazr.managed": "true", LabelEdge: "false"},
	}
	svc, cfg, err := Spec(o, sampleRoutes)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Mode.Global == nil || svc.Mode.Replicated != nil {
		t.Errorf("mode %+v, want global", svc.Mode)
	}
	if got := svc.TaskTemplate.Placement.Constraints; !reflect.DeepEqual(got, []string{"node.role==manager"}) {
		t.Errorf("constraints %q", got)
	}
	if svc.EndpointSpec.Mode != swarm.ResolutionModeDNSRR {
		t.Errorf("endpoint mode %q, want dnsrr", svc.EndpointSpec.Mode)
	}
	if p := svc.EndpointSpec.Ports[0]; p.PublishedPort != 8088 || p.TargetPort != 80 || p.PublishMode != swarm.PortConfigPublishModeHost {
		t.Errorf("port %+v, want host-mode 8088→80", p)
	}
	for _, uc := range []*swarm.UpdateConfig{svc.UpdateConfig, svc.RollbackConfig} {
		if uc == nil || uc.Order != swarm.UpdateOrderStopFirst || uc.Parallelism != 1 {
			t.Errorf("update/rollback config %+v, want stop-first, one at a time", uc)
		}
	}
	if svc.UpdateConfig.FailureAction != swarm.UpdateFailureActionRollback {
		t.Errorf("update failure action %q, want rollback", svc.UpdateConfig.FailureAction)
	}
	var nets []string
	for _, n := range svc.TaskTemplate.Networks {
		nets = append(nets, n.Target)
	}
	if want := []string{"shop-staging_default", "blog-production_default"}; !reflect.DeepEqual(nets, want) {
		t.Errorf("networks %q, want %q", nets, want)
	}
	for what, labels := range map[string]map[string]string{"service": svc.Labels, "config": cfg.Labels} {
		if labels[LabelEdge] != "true" || labels["io.gazr.managed"] != "true" {
			t.Errorf("%s labels %v, want %s=true and the options' labels", what, labels, LabelEdge)
		}
	}
	if o.Labels[LabelEdge] != "false" {
		t.Error("Spec modified Options.Labels")
	}

	cs := svc.TaskTemplate.ContainerSpec
	if cs.Image != "gazr-test/haproxy:2.6" {
		t.Errorf("image %q", cs.Image)
	}
	if len(cs.Configs) != 1 {
		t.Fatalf("configs %+v, want one", cs.Configs)
	}
	ref := cs.Configs[0]
	if ref.ConfigName != cfg.Name || ref.File == nil || ref.File.Name != "/usr/local/etc/haproxy/haproxy.cfg" || ref.File.Mode != 0o444 {
		t.Errorf("config reference %+v (file %+v), want %s at /usr/local/etc/haproxy/haproxy.cfg", ref, ref.File, cfg.Name)
	}
	if !strings.HasPrefix(cfg.Name, "edge-cfg-") {
		t.Errorf("config name %q, want it after the service", cfg.Name)
	}
	if cs.StopSignal != "SIGUSR1" || cs.StopGracePeriod == nil || *cs.StopGracePeriod <= hardStopAfter {
		t.Errorf("stop signal %q, grace %v: want SIGUSR1 and longer than hard-stop-after %v", cs.StopSignal, cs.StopGracePeriod, hardStopAfter)
	}
	if hc := cs.Healthcheck; hc == nil || len(hc.Test) == 0 || hc.Test[0] != "CMD" || !strings.Contains(strings.Join(hc.Test, " "), HealthURI) {
		t.Errorf("healthcheck %+v, want a CMD hitting %s", hc, HealthURI)
	}
	if cs.Healthcheck.Interval < time.Second {
		t.Errorf("healthcheck interval %v", cs.Healthcheck.Interval)
	}
}

func TestSpecConfigNameFollowsContent(t *testing.T) {
	name := func(routes []Route) string {
		t.Helper()
		_, cfg, err := Spec(Options{}, routes)
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Name
	}
	a := name(sampleRoutes)
	if b := name([]Route{sampleRoutes[0]}); b != a {
		t.Errorf("same routes, different config names %s and %s", a, b)
	}
	other := []Route{sampleRoutes[0], {Host: "api-staging.example.com", Service: "shop-staging_api", Port: 3000}}
	if b := name(other); b == a {
		t.Errorf("different routes, same config name %s", a)
	}
	port := []Route{sampleRoutes[0]}
	port[0].Port = 8081
	if b := name(port); b == a {
		t.Errorf("a changed port keeps the config name %s", a)
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		name    string
		o       Options
		routes  []Route
		wantErr string
	}{
		{"bad route", Options{}, []Route{{Host: "a b", Service: "s", Port: 80}}, "not a DNS name"},
		{"port too big", Options{Port: 70000}, nil, "not in 1-65535"},
		{"negative port", Options{Port: -1}, nil, "not in 1-65535"},
		{"bad name", Options{Name: "gazr edge"}, nil, "name"},
		{"empty network", Options{Networks: []string{""}}, nil, "empty network"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Spec(tc.o, tc.routes)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
