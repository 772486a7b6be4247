package config

import "strings"

func (d *decoder) tls(key []string, v any) (TLS, error) {
	var t TLS
	table, ok := v.(map[string]any)
	if !ok {
		return t, d.errorf(key, "%s must be a table { ca = \"…\", cert = \"…\", key = \"…\" }, not %s", strings.Join(key, "."), tomlType(v))
	}
	for _, k := range sortedKeys(table) {
		fkey := append(key[:len(key):len(key)], k)
		s, err := d.nonEmpty(fkey, table[k])
		if err != nil {
			return t, err
		}
		switch k {
		case "ca":
			t.CA = s
		case "cert":
			t.Cert = s
		case "key":
			t.Key = s
		default:
			return t, d.errorf(fkey, "unknown key %q in %s%s", k, strings.Join(key, "."), didYouMean(k, []string{"ca", "cert", "key"}))
		}
	}
	return t, nil
}

func (d *decoder) resources(key []string, v any) (map[string]Resources, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a table of services (web = { cpus = \"0.5\", memory = \"256M\" }), not %s", strings.Join(key, "."), tomlType(v))
	}
	out := map[string]Resources{}
	for _, svc := range sortedKeys(table) {
		skey := append(key[:len(key):len(key)], svc)
		fields, ok := table[svc].(map[string]any)
		if !ok {
			return nil, d.errorf(skey, "%s must be a table { cpus = \"0.5\", memory = \"256M\" }, not %s", strings.Join(skey, "."), tomlType(table[svc]))
		}
		var r Resources
		for _, k := range sortedKeys(fields) {
			fkey := append(skey[:len(skey):len(skey)], k)
			s, err := d.nonEmpty(fkey, fields[k])
			if err != nil {
				return nil, err
			}
			switch k {
			case "cpus":
				r.CPUs = s
			case "memory":
				r.Memory = s
			default:
				return nil, d.errorf(fkey, "unknown key %q in %s%s", k, strings.Join(skey, "."), didYouMean(k, []string{"cpus", "memory"}))
			}
		}
		if err := d.checkResources(skey, r); err != nil {
			return nil, err
		}
		out[svc] = r
	}
	return out, nil
}

func (d *decoder) secrets(key []string, v any) (map[string]SecretSource, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a table (db_password = { env = \"DB_PASSWORD\" }), not %s", strings.Join(key, "."), tomlType(v))
	}
	out := map[string]SecretSource{}
	for _, name := range sortedKeys(table) {
		skey := append(key[:len(key):len(key)], name)
		fields, ok := table[name].(map[string]any)
		if !ok || len(fields) != 1 {
			return nil, d.errorf(skey, "%s must be { file = \"path\" } or { env = \"VARIABLE\" }", strings.Join(skey, "."))
		}
		var src SecretSource
		for k, fv := range fields {
			fkey := append(skey[:len(skey):len(skey)], k)
			s, err := d.nonEmpty(fkey, fv)
			if err != nil {
				return nil, err
			}
			switch k {
			case "file":
				src.File = s
			case "env":
				src.Env = s
			default:
				return nil, d.errorf(fkey, "%s must be { file = \"path\" } or { env = \"VARIABLE\" }", strings.Join(skey, "."))
			}
		}
		out[name] = src
	}
	return out, nil
}
