package convert

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/swarm"
)

// fileObject is a secret or config to create: what both specs share.
type fileObject struct {
	annotations swarm.Annotations
	data        []byte
	templating  *swarm.Driver
}

// secretSpecs returns the secrets the services use and records their swarm
// names in c.secrets.
func (c *converter) secretSpecs() ([]swarm.SecretSpec, error) {
	defs := map[string]types.FileObjectConfig{}
	for k, v := range c.p.Secrets {
		defs[k] = types.FileObjectConfig(v)
	}
	var used []string
	for _, s := range c.p.Services {
		for _, ref := range s.Secrets {
			used = append(used, ref.Source)
		}
	}
	names, objs, err := c.fileObjects("secret", defs, used, c.o.SecretData)
	c.secrets = names
	var specs []swarm.SecretSpec
	for _, o := range objs {
		specs = append(specs, swarm.SecretSpec{Annotations: o.annotations, Data: o.data, Templating: o.templating})
	}
	return specs, err
}

// configSpecs is secretSpecs for configs.
func (c *converter) configSpecs() ([]swarm.ConfigSpec, error) {
	defs := map[string]types.FileObjectConfig{}
	for k, v := range c.p.Configs {
		defs[k] = types.FileObjectConfig(v)
	}
	var used []string
	for _, s := range c.p.Services {
		for _, ref := range s.Configs {
			used = append(used, ref.Source)
		}
	}
	names, objs, err := c.fileObjects("config", defs, used, c.o.ConfigData)
	c.configs = names
	var specs []swarm.ConfigSpec
	for _, o := range objs {
		specs = append(specs, swarm.ConfigSpec{Annotations: o.annotations, Data: o.data, Templating: o.templating})
	}
	return specs, err
}

// validObjectName is swarmkit's rule for secret and config names.
var validObjectName = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$`)

// fileObjects resolves the used secrets (or configs) of kind: it returns
// the swarm name of each compose key, and the objects to create, sorted.
func (c *converter) fileObjects(kind string, defs map[string]types.FileObjectConfig, used []string, data map[string][]byte) (map[string]string, []fileObject, error) {
	names := map[string]string{}
	var objs []fileObject
	slices.Sort(used)
	for _, key := range slices.Compact(used) {
		def := defs[key]
		if def.External {
			names[key] = cmp.Or(def.Name, key)
			continue
		}
		if def.Driver != "" {
			return nil, nil, fmt.Errorf("%s %q: driver %q: secret drivers are not supported; gazr stores the content in swarm", kind, key, def.Driver)
		}
		content, ok := data[key]
		if !ok && def.Content != "" {
			content, ok = []byte(def.Content), true
		}
		if !ok {
			return nil, nil, fmt.Errorf("%s %q: its content was not provided (%s)", kind, key, source(def))
		}
		if len(content) == 0 {
			return nil, nil, fmt.Errorf("%s %q is empty (%s): swarm refuses empty %ss", kind, key, source(def), kind)
		}
		digest, err := c.contentDigest(kind, key, content)
		if err != nil {
			return nil, nil, err
		}
		name := c.ns + "_" + key + "_" + digest
		if len(name) > 64 || !validObjectName.MatchString(name) {
			return nil, nil, fmt.Errorf("%s %q: swarm name %q is invalid: at most 64 of [a-zA-Z0-9-_.]; shorten the project, environment or %s name", kind, key, name, kind)
		}
		names[key] = name
		o := fileObject{annotations: swarm.Annotations{Name: name, Labels: c.objectLabels(def.Labels)}, data: content}
		if def.TemplateDriver != "" {
			o.templating = &swarm.Driver{Name: def.TemplateDriver}
		}
		objs = append(objs, o)
	}
	slices.SortFunc(objs, func(a, b fileObject) int { return strings.Compare(a.annotations.Name, b.annotations.Name) })
	return names, objs, nil
}

// contentDigest is the 8 hex digits that end an object's name and change
// with its content: a config's SHA-256, a secret's HMAC under the env's
// key (a plain hash of a secret would let anyone who sees the name test
// guesses of the value).
func (c *converter) contentDigest(kind, key string, content []byte) (string, error) {
	if kind != "secret" {
		sum := sha256.Sum256(content)
		return hex.EncodeToString(sum[:])[:8], nil
	}
	if len(c.o.SecretKey) == 0 {
		return "", fmt.Errorf("secret %q: no key to name it with (Options.SecretKey)", key)
	}
	mac := hmac.New(sha256.New, c.o.SecretKey)
	mac.Write(content)
	return hex.EncodeToString(mac.Sum(nil))[:8], nil
}

// source says where compose reads a secret or config from, for messages.
func source(def types.FileObjectConfig) string {
	switch {
	case def.File != "":
		return fmt.Sprintf("file %q", def.File)
	case def.Environment != "":
		return fmt.Sprintf("environment variable %q", def.Environment)
	}
	return "no file, environment or content"
}

// target is the file a secret or config reference mounts, with swarm's
// defaults: the key as file name, owned by root, mode 0444.
func target(ref types.FileReferenceConfig) (name, uid, gid string, mode os.FileMode) {
	mode = 0o444
	if ref.Mode != nil {
		mode = os.FileMode(*ref.Mode)
	}
	return cmp.Or(ref.Target, ref.Source), cmp.Or(ref.UID, "0"), cmp.Or(ref.GID, "0"), mode
}

// secretRefs returns the secret references of s, sorted.
func (c *converter) secretRefs(s types.ServiceConfig) []*swarm.SecretReference {
	var refs []*swarm.SecretReference
	for _, r := range s.Secrets {
		name, uid, gid, mode := target(types.FileReferenceConfig(r))
		refs = append(refs, &swarm.SecretReference{
			SecretName: c.secrets[r.Source],
			File:       &swarm.SecretReferenceFileTarget{Name: name, UID: uid, GID: gid, Mode: mode},
		})
	}
	slices.SortFunc(refs, func(a, b *swarm.SecretReference) int {
		return strings.Compare(a.SecretName+"\x00"+a.File.Name, b.SecretName+"\x00"+b.File.Name)
	})
	return refs
}

// configRefs returns the config references of s, sorted.
func (c *converter) configRefs(s types.ServiceConfig) []*swarm.ConfigReference {
	var refs []*swarm.ConfigReference
	for _, r := range s.Configs {
		name, uid, gid, mode := target(types.FileReferenceConfig(r))
		refs = append(refs, &swarm.ConfigReference{
			ConfigName: c.configs[r.Source],
			File:       &swarm.ConfigReferenceFileTarget{Name: name, UID: uid, GID: gid, Mode: mode},
		})
	}
	slices.SortFunc(refs, func(a, b *swarm.ConfigReference) int {
		return strings.Compare(a.ConfigName+"\x00"+a.File.Name, b.ConfigName+"\x00"+b.File.Name)
	})
	return refs
}
