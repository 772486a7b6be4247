package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// Redacted stands, in the deploy history, for a value that is secret.
//
// The history is kept in swarm configs, readable by anyone with the
// cluster's API, so it never holds a secret value. What counts as secret:
//   - the content of every secret of the stack (compose `secrets`);
//   - the value of every variable of the interpolation environment (the
//     process's and the env's vars) whose name says it is secret
//     (sensitiveName), at least minSensitive characters long;
//   - the value of an env var or label whose name says it is secret.
//
// An env var or label whose name is sensitive, or whose value contains a
// secret value, is recorded as NAME=Redacted; args, command and health
// check have secret values cut out. The services keep their real values
// (swarm needs them); a rollback takes the redacted ones back from the
// running services (unredact).
const Redacted = "<redacted by gazr>"

// minSensitive is the shortest interpolated value redacted: shorter ones
// ("1", "true") would redact everything that contains them.
const minSensitive = 6

var sensitiveWords = []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL"}

// sensitiveName reports whether a variable or label named name holds a
// secret, by its name.
func sensitiveName(name string) bool {
	up := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
	for _, w := range sensitiveWords {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// sensitiveValues lists the secret values of a stack for redaction.
func sensitiveValues(st *convert.Stack, env *config.Environment) []string {
	var out []string
	for _, s := range st.Secrets {
		out = append(out, string(s.Data))
	}
	add := func(k, v string) {
		if sensitiveName(k) && len(v) >= minSensitive {
			out = append(out, v)
		}
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		add(k, v)
	}
	for k, v := range env.Vars {
		add(k, v)
	}
	return out
}

// redactSpecs returns copies of specs with the secret values replaced by
// Redacted.
// A spec that cannot be copied is an error: the original is never
// recorded in its place.
func redactSpecs(specs []swarm.ServiceSpec, values []string) ([]swarm.ServiceSpec, error) {
	out := make([]swarm.ServiceSpec, len(specs))
	for i, s := range specs {
		c, err := deepCopy(s)
		if err != nil {
			return nil, err
		}
		out[i] = c
		out[i].Labels = redactLabels(out[i].Labels, values)
		cs := out[i].TaskTemplate.ContainerSpec
		if cs == nil {
			continue
		}
		cs.Labels = redactLabels(cs.Labels, values)
		for j, kv := range cs.Env {
			k, v, _ := strings.Cut(kv, "=")
			if sensitiveName(k) || containsAny(v, values) {
				cs.Env[j] = k + "=" + Redacted
			}
		}
		cut := func(list []string) {
			for j := range list {
				list[j] = cutValues(list[j], values)
			}
		}
		cut(cs.Args)
		cut(cs.Command)
		if cs.Healthcheck != nil {
			cut(cs.Healthcheck.Test)
		}
	}
	return out, nil
}

func redactLabels(l map[string]string, values []string) map[string]string {
	for k, v := range l {
		if strings.HasPrefix(k, "io.gazr.") || strings.HasPrefix(k, "com.docker.") {
			continue
		}
		if sensitiveName(k) || containsAny(v, values) {
			l[k] = Redacted
		}
	}
	return l
}

func containsAny(s string, values []string) bool {
	for _, v := range values {
		if v != "" && strings.Contains(s, v) {
			return true
		}
	}
	return false
}

func cutValues(s string, values []string) string {
	for _, v := range values {
		if v != "" {
			s = strings.ReplaceAll(s, v, Redacted)
		}
	}
	return s
}

// deepCopy copies a spec through JSON: specs are trees of pointers.
func deepCopy(s swarm.ServiceSpec) (swarm.ServiceSpec, error) {
	var c swarm.ServiceSpec
	b, err := json.Marshal(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, fmt.Errorf("copy service spec %s: %w", s.Name, err)
	}
	return c, nil
}
