package config

import (
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ReplicaSchedule is one [[env.<name>.schedule]] entry: from each time
// Cron fires (read in TZ) until the next entry's, the services named in
// Replicas run that many replicas. gazr's agent in the cluster applies it;
// a deploy keeps the counts of the entry in force.
type ReplicaSchedule struct {
	// Cron is a five-field cron expression ("0 7 * * 1-5").
	Cron string
	// TZ is the IANA time zone Cron is read in. Default: UTC.
	TZ string
	// Replicas are the services' replicas from then on (web = 25).
	Replicas map[string]uint64
}

var replicaScheduleKeys = []string{"cron", "tz", "replicas"}

// replicaSchedule reads [[env.<name>.schedule]], an array of tables.
func (d *decoder) replicaSchedule(key []string, v any) ([]ReplicaSchedule, error) {
	name := strings.Join(key, ".")
	list, err := d.tableList(key, v, "an array of tables ([["+name+`]] with cron = "0 7 * * 1-5" and replicas = { web = 25 })`)
	if err != nil {
		return nil, err
	}
	out := make([]ReplicaSchedule, 0, len(list))
	for i, m := range list {
		s, err := d.replicaScheduleEntry(key, i, m)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// replicaScheduleEntry decodes entry i; keys inside an array of tables
// have no position of their own, so errors point at the array and name
// the entry.
func (d *decoder) replicaScheduleEntry(key []string, i int, m map[string]any) (ReplicaSchedule, error) {
	var s ReplicaSchedule
	name := strings.Join(key, ".") + "[" + itoa(i) + "]"
	for _, k := range sortedKeys(m) {
		switch k {
		case "cron":
			c, err := d.cron(key, name, m[k])
			if err != nil {
				return s, err
			}
			// What the agent reads it with must read it the same, and
			// it must fire: 30 February never comes.
			spec, err := cron.ParseStandard(c)
			if err != nil {
				return s, d.errorf(key, "%s.cron %s: %v (days of the week are 0-6, Sunday 0; ranges go up: 1-5)", name, quote(c), err)
			}
			if spec.Next(time.Now()).IsZero() {
				return s, d.errorf(key, "%s.cron %s never fires (no such day)", name, quote(c))
			}
			s.Cron = c
		case "tz":
			tz, err := d.tz(key, name, m[k])
			if err != nil {
				return s, err
			}
			s.TZ = tz
		case "replicas":
			table, ok := m[k].(map[string]any)
			if !ok || len(table) == 0 {
				return s, d.errorf(key, "%s.replicas must be a table of services' replicas ({ web = 25 }), not %s", name, describe(m[k]))
			}
			s.Replicas = map[string]uint64{}
			for _, svc := range sortedKeys(table) {
				n, ok := table[svc].(int64)
				if !ok || n < 0 || n > 10000 {
					return s, d.errorf(key, "%s.replicas.%s must be a whole number from 0 to 10000, not %s", name, svc, describe(table[svc]))
				}
				s.Replicas[svc] = uint64(n)
			}
		default:
			if k == "workers" {
				return s, d.errorf(key, "%s.workers: the agent schedules services' replicas; the number of workers is scheduled where the machines run: schedule in [%s.aws] (the Auto Scaling group's scheduled actions)", name, strings.Join(key[:len(key)-1], "."))
			}
			return s, d.errorf(key, "unknown key %q in %s%s", k, name, didYouMean(k, replicaScheduleKeys))
		}
	}
	if _, ok := m["cron"]; !ok {
		return s, d.errorf(key, "%s has no cron: when does it apply?", name)
	}
	if _, ok := m["replicas"]; !ok {
		return s, d.errorf(key, "%s has no replicas: how many of which service from then on (replicas = { web = 25 })?", name)
	}
	return s, nil
}
