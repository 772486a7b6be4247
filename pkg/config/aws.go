package config

import (
	"regexp"
	"strings"
)

var awsKeys = []string{"region", "profile", "managers", "workers", "access", "insecure", "ssh_user", "jump",
	"registry", "endpoint_url", "schedule"}

// credentialKeys are keys people write when they mean to give a cloud
// credential inline, which .gazr.toml never holds (it is committed).
var credentialKeys = []string{"token", "password", "secret", "api_token", "token_secret", "access_key", "secret_key",
	"access_key_id", "secret_access_key", "aws_access_key_id", "aws_secret_access_key", "session_token"}

var (
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	cronRE   = regexp.MustCompile(`^[0-9A-Za-z*?/,-]+$`)
)

func (d *decoder) aws(key []string, v any) (*AWS, error) {
	table, ok := v.(map[string]any)
	if !ok {
		return nil, d.errorf(key, "%s must be a table ([%s]), not %s", strings.Join(key, "."), strings.Join(key, "."), tomlType(v))
	}
	a := &AWS{Access: "ssh"}
	for _, k := range sortedKeys(table) {
		fkey := append(key[:len(key):len(key)], k)
		if err := d.awsField(a, fkey, table[k]); err != nil {
			return nil, err
		}
		d.seen(fkey)
	}
	if a.Access == "tcp" && !a.Insecure {
		return nil, d.errorf(append(key[:len(key):len(key)], "access"), "%s.access = \"tcp\" is plain TCP without TLS: anyone who reaches it controls the cluster; "+
			"use \"ssh\" or \"tls\", or set insecure = true in [%s] to allow it", strings.Join(key, "."), strings.Join(key, "."))
	}
	return a, nil
}

func (d *decoder) awsField(a *AWS, key []string, v any) error {
	var err error
	k, table := key[len(key)-1], strings.Join(key[:len(key)-1], ".")
	switch k {
	case "region":
		a.Region, err = d.nonEmpty(key, v)
		if err == nil && !regionRE.MatchString(a.Region) {
			err = d.errorf(key, "%s.region %q is not an AWS region (e.g. \"eu-west-3\")", table, a.Region)
		}
	case "profile":
		a.Profile, err = d.nonEmpty(key, v)
	case "managers":
		a.Managers, err = d.group(key, v)
	case "workers":
		a.Workers, err = d.group(key, v)
	case "access":
		a.Access, err = d.oneOf(key, v, "ssh", "tls", "tcp")
	case "insecure":
		a.Insecure, err = d.boolean(key, v)
	case "ssh_user":
		a.SSHUser, err = d.nonEmpty(key, v)
		if p := sshWordProblem(a.SSHUser); err == nil && (p != "" || strings.Contains(a.SSHUser, "@")) {
			err = d.errorf(key, "%s.ssh_user %q must be a user name: %s", table, a.SSHUser, or(p, "no '@'"))
		}
	case "jump":
		a.Jump, err = d.nonEmpty(key, v)
		if p := sshWordProblem(a.Jump); err == nil && (p != "" || strings.Contains(a.Jump, "://")) {
			err = d.errorf(key, "%s.jump %q must be [user@]host[:port], as ssh -J takes it%s", table, a.Jump, prefixed(": ", p))
		}
	case "registry":
		a.Registry, err = d.registry(key, v)
	case "endpoint_url":
		a.EndpointURL, err = d.nonEmpty(key, v)
		if p := endpointProblem(a.EndpointURL); err == nil && p != "" {
			err = d.errorf(key, "%s.endpoint_url %q %s", table, a.EndpointURL, p)
		}
	case "schedule":
		a.Schedule, err = d.schedule(key, v)
	default:
		err = d.unknownCloudKey(key, awsKeys, "profile = \"…\" (or the SDK's environment: AWS_PROFILE, AWS_ACCESS_KEY_ID…)")
	}
	return err
}

// unknownCloudKey reports an unknown key of a cloud table, or, for a key
// that looks like an inline credential, where credentials go instead.
func (d *decoder) unknownCloudKey(key []string, known []string, instead string) error {
	k, table := key[len(key)-1], strings.Join(key[:len(key)-1], ".")
	if contains(credentialKeys, strings.ToLower(k)) {
		return d.errorf(key, "%s.%s: credentials are never written in .gazr.toml (it is committed); use %s", table, k, instead)
	}
	return d.errorf(key, "unknown key %q in %s%s", k, table, didYouMean(k, known))
}

// group is { asg = "name" } or { tags = { Name = "SwarmManager-staging" } }.
func (d *decoder) group(key []string, v any) (*Group, error) {
	const want = "{ asg = \"…\" } or { tags = { Name = \"…\" } }"
	table, ok := v.(map[string]any)
	if !ok || len(table) != 1 {
		return nil, d.errorf(key, "%s must be %s", strings.Join(key, "."), want)
	}
	g := &Group{}
	for k, fv := range table {
		fkey := append(key[:len(key):len(key)], k)
		var err error
		switch k {
		case "asg":
			g.ASG, err = d.nonEmpty(fkey, fv)
		case "tags":
			g.Tags, err = d.tags(fkey, fv)
		default:
			err = d.errorf(fkey, "unknown key %q in %s%s: it must be %s", k, strings.Join(key, "."), didYouMean(k, []string{"asg", "tags"}), want)
		}
		if err != nil {
			return nil, err
		}
	}
	return g, nil
}

// tags is a non-empty table of tag = "value".
func (d *decoder) tags(key []string, v any) (map[string]string, error) {
	table, ok := v.(map[string]any)
	if !ok || len(table) == 0 {
		return nil, d.errorf(key, "%s must be a table of at least one tag (tags = { Name = \"SwarmWorker-staging\" })", strings.Join(key, "."))
	}
	out := make(map[string]string, len(table))
	for _, k := range sortedKeys(table) {
		s, err := d.str(append(key[:len(key):len(key)], k), table[k])
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

// schedule is a list of { cron = "0 7 * * 1-5", workers = 25, tz = "…" }.
func (d *decoder) schedule(key []string, v any) ([]Schedule, error) {
	list, err := d.tableList(key, v, `a list of { cron = "0 7 * * 1-5", workers = 25 }`)
	if err != nil {
		return nil, err
	}
	out := make([]Schedule, 0, len(list))
	for i, m := range list {
		s, err := d.scheduleEntry(key, i, m)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// scheduleEntry decodes entry i; keys inside a list have no position of
// their own, so errors point at the list and name the entry.
func (d *decoder) scheduleEntry(key []string, i int, m map[string]any) (Schedule, error) {
	var s Schedule
	name := strings.Join(key, ".") + "[" + itoa(i) + "]"
	for _, k := range sortedKeys(m) {
		switch k {
		case "cron":
			c, err := d.cron(key, name, m[k])
			if err != nil {
				return s, err
			}
			s.Cron = c
		case "workers":
			n, ok := m[k].(int64)
			if !ok || n < 0 || n > 10000 {
				return s, d.errorf(key, "%s.workers must be a whole number ≥ 0, not %s", name, describe(m[k]))
			}
			s.Workers = uint64(n)
		case "tz":
			tz, err := d.tz(key, name, m[k])
			if err != nil {
				return s, err
			}
			s.TZ = tz
		default:
			return s, d.errorf(key, "unknown key %q in %s%s", k, name, didYouMean(k, []string{"cron", "workers", "tz"}))
		}
	}
	if _, ok := m["cron"]; !ok {
		return s, d.errorf(key, "%s has no cron: when does it apply?", name)
	}
	if _, ok := m["workers"]; !ok {
		return s, d.errorf(key, "%s has no workers: how many from then on?", name)
	}
	return s, nil
}

// tableList is a TOML array of tables (or inline tables) at key; shape
// says what it must be, for the error.
func (d *decoder) tableList(key []string, v any, shape string) ([]map[string]any, error) {
	name := strings.Join(key, ".")
	switch v := v.(type) {
	case []map[string]any:
		return v, nil
	case []any:
		list := make([]map[string]any, 0, len(v))
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, d.errorf(key, "%s must be %s, not a list of %s", name, shape, tomlType(e))
			}
			list = append(list, m)
		}
		return list, nil
	}
	return nil, d.errorf(key, "%s must be %s, not %s", name, shape, tomlType(v))
}

// cron is the cron of entry name of a schedule list at key: five fields
// in the ranges cron and Auto Scaling share.
func (d *decoder) cron(key []string, name string, v any) (string, error) {
	c, ok := v.(string)
	if fields := strings.Fields(c); !ok || len(fields) != 5 || !allMatch(cronRE, fields) {
		got := describe(v)
		if ok {
			got = quote(c)
		}
		return "", d.errorf(key, "%s.cron must be a five-field cron expression (\"0 7 * * 1-5\"), not %s", name, got)
	} else if p := cronProblem(fields); p != "" {
		return "", d.errorf(key, "%s.cron %s: the %s", name, quote(c), p)
	}
	return c, nil
}

// tz is the time zone of entry name of a schedule list at key.
func (d *decoder) tz(key []string, name string, v any) (string, error) {
	tz, ok := v.(string)
	if !ok || strings.TrimSpace(tz) == "" {
		return "", d.errorf(key, "%s.tz must be a time zone (\"Europe/Paris\"), not %s", name, describe(v))
	}
	if p := timeZoneProblem(tz); p != "" {
		return "", d.errorf(key, "%s.tz %q %s", name, tz, p)
	}
	return tz, nil
}

func allMatch(re *regexp.Regexp, list []string) bool {
	for _, s := range list {
		if !re.MatchString(s) {
			return false
		}
	}
	return true
}

// oneOf is a string among choices.
func (d *decoder) oneOf(key []string, v any, choices ...string) (string, error) {
	s, err := d.nonEmpty(key, v)
	if err == nil && !contains(choices, s) {
		err = d.errorf(key, "%s %q must be one of %s%s", strings.Join(key, "."), s, strings.Join(choices, ", "), didYouMean(s, choices))
	}
	return s, err
}

// registry is "host[:port]" (or a keyword the caller allows), no scheme.
func (d *decoder) registry(key []string, v any) (string, error) {
	s, err := d.nonEmpty(key, v)
	if err == nil && strings.Contains(s, "://") {
		err = d.errorf(key, "%s %q must be host[:port], without a scheme", strings.Join(key, "."), s)
	}
	return s, err
}
