package deploy

import (
	"strings"
	"testing"

	"github.com/moby/moby/api/types/swarm"
)

func spec(name, image string, replicas uint64, env ...string) swarm.ServiceSpec {
	return swarm.ServiceSpec{
		Annotations:  swarm.Annotations{Name: name, Labels: map[string]string{"io.gazr.deployed-at": "t1"}},
		TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: image, Env: env}},
		Mode:         swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &replicas}},
	}
}

// testKey stands for an env's key.
var testKey = []byte("env key")

func stamped(s swarm.ServiceSpec) swarm.Service {
	Stamp(testKey, &s)
	return swarm.Service{Spec: s}
}

func TestSameSpec(t *testing.T) {
	a := spec("ns_web", "img:1", 3, "A=1")
	b := spec("ns_web", "img:1", 3, "A=1")
	b.Labels["io.gazr.deployed-at"] = "t2" // volatile: ignored
	if !SameSpec(testKey, stamped(a).Spec, b) {
		t.Error("specs differing only by deployed-at are not the same")
	}
	if SameSpec(testKey, a, b) {
		t.Error("a spec without a hash label must count as changed")
	}
	c := spec("ns_web", "img:2", 3, "A=1")
	if SameSpec(testKey, stamped(a).Spec, c) {
		t.Error("a new image is not a change")
	}
}

// The hash label covers env values, secret ones included: keyed, it
// confirms no guess to whoever reads labels without the key, yet it stays
// the same for the same spec and key, so an unchanged redeploy changes
// nothing.
func TestSpecHashIsKeyed(t *testing.T) {
	s := spec("ns_web", "img:1", 1, "API_TOKEN=hunter2")
	h := SpecHash(testKey, s)
	if again := SpecHash(testKey, spec("ns_web", "img:1", 1, "API_TOKEN=hunter2")); again != h {
		t.Errorf("same spec, same key: %s then %s", h, again)
	}
	if other := SpecHash([]byte("another key"), s); other == h {
		t.Error("the hash does not depend on the key")
	}
	if guess := SpecHash(nil, s); guess == h {
		t.Error("the keyed hash equals the unkeyed one: a guess can be checked without the key")
	}
	if h == SpecHash(testKey, spec("ns_web", "img:1", 1, "API_TOKEN=hunter3")) {
		t.Error("a changed secret value leaves the hash unchanged: the service would not be updated")
	}
	if SameSpec([]byte("another key"), stamped(s).Spec, s) {
		t.Error("a hash stamped with another key matches")
	}
}

func TestDiffServices(t *testing.T) {
	current := []swarm.Service{
		stamped(spec("ns_web", "img:1", 3, "A=1", "SECRET=hunter2", "OLD=x")),
		stamped(spec("ns_db", "pg:16", 1)),
		stamped(spec("ns_gone", "x:1", 1)),
	}
	next := []swarm.ServiceSpec{
		spec("ns_web", "img:2", 4, "A=1", "SECRET=changed", "NEW=y"),
		spec("ns_db", "pg:16", 1),
		spec("ns_worker", "w:1", 2, "Q=1"),
	}
	var got []string
	for _, c := range DiffServices(testKey, current, next) {
		got = append(got, c.String())
	}
	want := []string{
		"~ service ns_web: image img:1 → img:2; replicas 3 → 4; env +NEW ~SECRET -OLD",
		"= service ns_db",
		"+ service ns_worker: image w:1; replicas 2; env Q",
		"- service ns_gone: no longer in the compose file (removed with --prune)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range got {
		if strings.Contains(line, "hunter2") || strings.Contains(line, "changed") {
			t.Errorf("a value leaked into the diff: %s", line)
		}
	}
}
