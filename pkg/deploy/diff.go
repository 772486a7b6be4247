package deploy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/swarm"
)

// Labels that change on every deploy without changing what runs; they are
// ignored when deciding whether a service changed.
var volatileLabels = []string{"io.gazr.deployed-at", "io.gazr.deployed-by"}

// Change is one line of a deploy plan.
type Change struct {
	// Op is "+" (added), "~" (changed), "-" (removed) or "=" (unchanged).
	Op, Kind, Name string
	// Details are human-readable differences; secret values never appear.
	Details []string
}

func (c Change) String() string {
	s := fmt.Sprintf("%s %s %s", c.Op, c.Kind, c.Name)
	if len(c.Details) > 0 {
		s += ": " + strings.Join(c.Details, "; ")
	}
	return s
}

// LabelSpecHash holds a hash of the spec gazr submitted. The engine
// normalises what it stores (network names become IDs, defaults appear),
// so comparing stored and new specs field by field would see changes that
// are not there; comparing hashes of what gazr submitted does not.
//
// The spec holds env values, secret ones included, and labels are read by
// anyone who can list services: the hash is an HMAC keyed with the env's
// key (the one naming its secrets, see secretKey), so that it cannot
// confirm a guessed value. The key is kept in the swarm, so the hash of
// the same spec is the same from one deploy to the next.
const LabelSpecHash = "io.gazr.spec-hash"

// SameSpec reports whether applying next over cur would change anything
// that runs.
func SameSpec(key []byte, cur, next swarm.ServiceSpec) bool {
	h := cur.Labels[LabelSpecHash]
	return h != "" && h == SpecHash(key, next)
}

// SpecHash hashes a spec with key, leaving out the labels that change on
// every deploy and the hash label itself.
func SpecHash(key []byte, s swarm.ServiceSpec) string {
	labels := map[string]string{}
	for k, v := range s.Labels {
		labels[k] = v
	}
	for _, k := range append(volatileLabels, LabelSpecHash) {
		delete(labels, k)
	}
	s.Labels = labels
	b, _ := json.Marshal(s)
	mac := hmac.New(sha256.New, key)
	mac.Write(b)
	return hex.EncodeToString(mac.Sum(nil)[:12])
}

// Stamp records next's hash, keyed with key, in its labels, for SameSpec.
func Stamp(key []byte, next *swarm.ServiceSpec) {
	h := SpecHash(key, *next)
	labels := map[string]string{}
	for k, v := range next.Labels {
		labels[k] = v
	}
	labels[LabelSpecHash] = h
	next.Labels = labels
}

// DiffServices compares the services running now with those a deploy
// would apply, with the key of their spec hashes. Removed services are
// listed; they go only with --prune.
func DiffServices(key []byte, current []swarm.Service, next []swarm.ServiceSpec) []Change {
	byName := map[string]swarm.Service{}
	for _, s := range current {
		byName[s.Spec.Name] = s
	}
	var out []Change
	for _, spec := range next {
		cur, ok := byName[spec.Name]
		delete(byName, spec.Name)
		switch {
		case !ok:
			out = append(out, Change{Op: "+", Kind: "service", Name: spec.Name, Details: describeNew(spec)})
		case SameSpec(key, cur.Spec, spec):
			out = append(out, Change{Op: "=", Kind: "service", Name: spec.Name})
		default:
			out = append(out, Change{Op: "~", Kind: "service", Name: spec.Name, Details: describeChange(cur.Spec, spec)})
		}
	}
	var gone []string
	for name := range byName {
		gone = append(gone, name)
	}
	sort.Strings(gone)
	for _, name := range gone {
		out = append(out, Change{Op: "-", Kind: "service", Name: name, Details: []string{"no longer in the compose file (removed with --prune)"}})
	}
	return out
}

func describeNew(s swarm.ServiceSpec) []string {
	d := []string{"image " + imageOf(s), "replicas " + replicas(s)}
	if keys := envKeys(s); len(keys) > 0 {
		d = append(d, "env "+strings.Join(keys, ", "))
	}
	return d
}

func describeChange(cur, next swarm.ServiceSpec) []string {
	var d []string
	if a, b := imageOf(cur), imageOf(next); a != b {
		d = append(d, fmt.Sprintf("image %s → %s", a, b))
	}
	if a, b := replicas(cur), replicas(next); a != b {
		d = append(d, fmt.Sprintf("replicas %s → %s", a, b))
	}
	if env := envDiff(cur, next); env != "" {
		d = append(d, "env "+env)
	}
	if len(d) == 0 {
		d = append(d, "settings changed (health check, resources, labels, networks…)")
	}
	return d
}

func imageOf(s swarm.ServiceSpec) string {
	if cs := s.TaskTemplate.ContainerSpec; cs != nil {
		img, _, _ := strings.Cut(cs.Image, "@")
		return img
	}
	return "?"
}

func replicas(s swarm.ServiceSpec) string {
	switch {
	case s.Mode.Global != nil:
		return "global"
	case s.Mode.Replicated != nil && s.Mode.Replicated.Replicas != nil:
		return fmt.Sprint(*s.Mode.Replicated.Replicas)
	}
	return "1"
}

func envMap(s swarm.ServiceSpec) map[string]string {
	m := map[string]string{}
	if cs := s.TaskTemplate.ContainerSpec; cs != nil {
		for _, e := range cs.Env {
			k, v, _ := strings.Cut(e, "=")
			m[k] = v
		}
	}
	return m
}

func envKeys(s swarm.ServiceSpec) []string {
	var keys []string
	for k := range envMap(s) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// envDiff names the variables added (+), removed (-) and changed (~),
// never their values: they may be secrets.
func envDiff(cur, next swarm.ServiceSpec) string {
	a, b := envMap(cur), envMap(next)
	var parts []string
	for _, k := range envKeys(next) {
		if v, ok := a[k]; !ok {
			parts = append(parts, "+"+k)
		} else if v != b[k] {
			parts = append(parts, "~"+k)
		}
	}
	for _, k := range envKeys(cur) {
		if _, ok := b[k]; !ok {
			parts = append(parts, "-"+k)
		}
	}
	return strings.Join(parts, " ")
}
