package convert_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

func TestReplicas(t *testing.T) {
	tests := []struct {
		name     string
		deploy   string // the service's deploy block
		override map[string]uint64
		min      uint64
		want     uint64
	}{
		{"default", "", nil, 0, 1},
		{"compose", "deploy:\n      replicas: 3", nil, 0, 3},
		{"scale", "scale: 2", nil, 0, 2},
		{"env override beats compose", "deploy:\n      replicas: 3", map[string]uint64{"web": 5}, 0, 5},
		{"floor lifts the default", "", nil, 2, 2},
		{"floor lifts compose", "deploy:\n      replicas: 1", nil, 3, 3},
		{"floor lifts the override", "", map[string]uint64{"web": 1}, 2, 2},
		{"floor leaves more alone", "deploy:\n      replicas: 4", nil, 2, 4},
		{"zero stays off", "deploy:\n      replicas: 0", nil, 2, 0},
		{"override to zero stays off", "", map[string]uint64{"web": 0}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "services:\n  web:\n    image: a\n    " + tt.deploy + "\n"
			st := mustConvert(t, in, opts(func(o *convert.Options) { o.Replicas, o.MinReplicas = tt.override, tt.min }))
			r := st.Services[0].Mode.Replicated
			if r == nil || r.Replicas == nil || *r.Replicas != tt.want {
				t.Errorf("mode = %+v, want %d replicas", st.Services[0].Mode, tt.want)
			}
		})
	}
}

func TestUpdateOrder(t *testing.T) {
	tests := []struct {
		name    string
		service string
		update  swarm.UpdateOrder
		back    swarm.UpdateOrder
	}{
		{"no ports", "", swarm.UpdateOrderStartFirst, swarm.UpdateOrderStartFirst},
		{"fixed host port", `ports: ["8080:80"]`, swarm.UpdateOrderStopFirst, swarm.UpdateOrderStopFirst},
		{"dynamic host port", `ports: ["80"]`, swarm.UpdateOrderStartFirst, swarm.UpdateOrderStartFirst},
		{"compose wins", "ports: [\"8080:80\"]\n    deploy:\n      update_config:\n        order: start-first",
			swarm.UpdateOrderStartFirst, swarm.UpdateOrderStopFirst},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustConvert(t, "services:\n  web:\n    image: a\n    "+tt.service+"\n", opts(nil))
			s := st.Services[0]
			if s.UpdateConfig.Order != tt.update || s.RollbackConfig.Order != tt.back {
				t.Errorf("orders = %s/%s, want %s/%s", s.UpdateConfig.Order, s.RollbackConfig.Order, tt.update, tt.back)
			}
			for _, p := range s.EndpointSpec.Ports {
				if p.PublishMode != swarm.PortConfigPublishModeHost {
					t.Errorf("port %+v is not published in host mode", p)
				}
			}
			if s.EndpointSpec.Mode != swarm.ResolutionModeDNSRR {
				t.Errorf("endpoint mode = %q, want dnsrr", s.EndpointSpec.Mode)
			}
		})
	}
}

func TestRestartPolicy(t *testing.T) {
	five := uint64(5)
	tests := []struct {
		restart  string
		cond     swarm.RestartPolicyCondition
		attempts *uint64
	}{
		{"", swarm.RestartPolicyConditionAny, nil},
		{"always", swarm.RestartPolicyConditionAny, nil},
		{"unless-stopped", swarm.RestartPolicyConditionAny, nil},
		{`"no"`, swarm.RestartPolicyConditionNone, nil},
		{"on-failure", swarm.RestartPolicyConditionOnFailure, nil},
		{"on-failure:5", swarm.RestartPolicyConditionOnFailure, &five},
	}
	for _, tt := range tests {
		t.Run(tt.restart, func(t *testing.T) {
			in := "services:\n  web:\n    image: a\n"
			if tt.restart != "" {
				in += "    restart: " + tt.restart + "\n"
			}
			rp := mustConvert(t, in, opts(nil)).Services[0].TaskTemplate.RestartPolicy
			if rp.Condition != tt.cond || *rp.Delay != 5*time.Second {
				t.Errorf("policy = %s after %s, want %s after 5s", rp.Condition, *rp.Delay, tt.cond)
			}
			if (rp.MaxAttempts == nil) != (tt.attempts == nil) || rp.MaxAttempts != nil && *rp.MaxAttempts != *tt.attempts {
				t.Errorf("max attempts = %v, want %v", rp.MaxAttempts, tt.attempts)
			}
		})
	}
}

func TestNanoCPUs(t *testing.T) {
	for cpus, want := range map[string]int64{"0.1": 1e8, "0.333": 333e6, "1.5": 15e8, "2": 2e9, "0.05": 5e7} {
		in := "services:\n  web:\n    image: a\n    deploy:\n      resources:\n        limits:\n          cpus: \"" + cpus + "\"\n"
		got := mustConvert(t, in, opts(nil)).Services[0].TaskTemplate.Resources.Limits.NanoCPUs
		if got != want {
			t.Errorf("cpus %s: NanoCPUs = %d, want %d", cpus, got, want)
		}
	}
}

// TestSecretNamesAreKeyed: a secret's name is no oracle for its value
// (issue 9: it ended with an unsalted SHA-256 of it): another env's key
// gives another name, and the name is not the plain hash's.
func TestSecretNamesAreKeyed(t *testing.T) {
	const in = "services:\n  web:\n    image: a\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./pw\n"
	name := func(key string) string {
		st := mustConvert(t, in, opts(func(o *convert.Options) {
			o.SecretData, o.SecretKey = map[string][]byte{"pw": []byte("hunter2")}, []byte(key)
		}))
		return st.Secrets[0].Name
	}
	a, b := name("key of one env"), name("key of another")
	if a == b {
		t.Errorf("two keys, one name %q", a)
	}
	sum := sha256.Sum256([]byte("hunter2"))
	if plain := hex.EncodeToString(sum[:])[:8]; strings.HasSuffix(a, plain) || strings.HasSuffix(b, plain) {
		t.Errorf("names %q, %q end with the plain SHA-256 of the value", a, b)
	}
	_, err := convertYAML(t, in, opts(func(o *convert.Options) {
		o.SecretData, o.SecretKey = map[string][]byte{"pw": []byte("hunter2")}, nil
	}))
	if err == nil || !strings.Contains(err.Error(), "no key") {
		t.Errorf("no key: err = %v, want an error", err)
	}
}

func TestSecretNames(t *testing.T) {
	const in = "services:\n  web:\n    image: a\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./pw\n"
	name := func(content, version string) string {
		st := mustConvert(t, in, opts(func(o *convert.Options) {
			o.SecretData, o.Version = map[string][]byte{"pw": []byte(content)}, version
		}))
		ref := st.Services[0].TaskTemplate.ContainerSpec.Secrets[0]
		if ref.SecretName != st.Secrets[0].Name {
			t.Errorf("service refers to %q, the stack creates %q", ref.SecretName, st.Secrets[0].Name)
		}
		return st.Secrets[0].Name
	}
	a := name("hunter2", "v1")
	if !regexp.MustCompile(`^shop-staging_pw_[0-9a-f]{8}$`).MatchString(a) {
		t.Errorf("name %q is not <namespace>_<secret>_<hash8>", a)
	}
	if b := name("hunter2", "v2"); b != a {
		t.Errorf("same content, another version: %q, want %q", b, a)
	}
	if c := name("hunter3", "v1"); c == a {
		t.Errorf("other content kept the name %q", c)
	}
}

func TestConfigNames(t *testing.T) {
	const in = "services:\n  web:\n    image: a\n    configs: [conf]\nconfigs:\n  conf:\n    content: inline\n"
	inline := mustConvert(t, in, opts(nil)).Configs[0]
	given := mustConvert(t, in, opts(func(o *convert.Options) { o.ConfigData = map[string][]byte{"conf": []byte("read")} })).Configs[0]
	if string(inline.Data) != "inline" || string(given.Data) != "read" || inline.Name == given.Name {
		t.Errorf("configs %s=%q and %s=%q: want the given data to win, under another name", inline.Name, inline.Data, given.Name, given.Data)
	}
}

func TestImages(t *testing.T) {
	const in = "services:\n  built:\n    build: .\n    image: shop/built:compose\n  plain:\n    image: shop/plain:1\n"
	st := mustConvert(t, in, opts(func(o *convert.Options) { o.Images = map[string]string{"built": "reg/shop/built@sha256:abc"} }))
	for i, want := range []string{"reg/shop/built@sha256:abc", "shop/plain:1"} {
		if got := st.Services[i].TaskTemplate.ContainerSpec.Image; got != want {
			t.Errorf("%s runs %q, want %q", st.Services[i].Name, got, want)
		}
	}
}

// TestDeterministic converts the richest test projects repeatedly: map
// iteration order must not show in the output.
func TestDeterministic(t *testing.T) {
	for _, file := range []string{"testdata/overrides.yaml", "testdata/networks.yaml", "testdata/secrets_configs.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		o := opts(func(o *convert.Options) {
			o.SecretData = map[string][]byte{"db_password": []byte("a"), "api_key": []byte("b")}
			o.ConfigData = map[string][]byte{"nginx_conf": []byte("c")}
		})
		first := dump(t, mustConvert(t, string(data), o))
		for range 10 {
			if again := dump(t, mustConvert(t, string(data), o)); !bytes.Equal(again, first) {
				t.Fatalf("%s: two conversions differ", file)
			}
		}
	}
}

// TestProjectUntouched checks that Convert does not change its input.
func TestProjectUntouched(t *testing.T) {
	data, err := os.ReadFile("testdata/networks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := load(t, string(data))
	before, _ := json.Marshal(p)
	if _, err := convert.Convert(p, opts(nil)); err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(p); !bytes.Equal(before, after) {
		t.Errorf("Convert changed the project:\n%s\n%s", before, after)
	}
}
