package deploy

import "time"

// The shapes `gazr status --json`, `gazr history --json` and `gazr
// cluster status --json` print (docs/json.md). Within a major version of
// gazr, fields are added and never renamed or removed: a consumer ignores
// the fields it does not know. FormatVersion is the shape's version, 1
// until a major version of gazr changes it; the command sets it.

// StatusReport is what `gazr status --json` prints.
type StatusReport struct {
	FormatVersion int    `json:"format_version"`
	Env           string `json:"env"`
	// Namespace is the stack's name in the swarm (<project>-<env>).
	Namespace string `json:"namespace"`
	// Services are in name order; [] before the first deploy.
	Services []ServiceReport `json:"services"`
	Operations
}

// Operations are what runs an env besides its services.
type Operations struct {
	// Schedule is the env's schedule in time; nil without one.
	Schedule *ScheduleReport `json:"schedule,omitempty"`
	// Agent is gazr's agent in the cluster; nil when none runs there.
	Agent *AgentReport `json:"agent,omitempty"`
	// LastChaos is the newest chaos experiment of the history.
	LastChaos *HistoryEntry `json:"last_chaos,omitempty"`
}

// ScheduleReport is the schedule's entry in force and the next one.
type ScheduleReport struct {
	// Current are the replicas of the entry in force, since Since (nil
	// when none has fired in the past year).
	Current map[string]uint64 `json:"current"`
	Since   *time.Time        `json:"since"`
	// Next are the replicas of the next entry, from At.
	Next map[string]uint64 `json:"next"`
	At   *time.Time        `json:"at"`
}

// AgentReport is the agent's service, its running tasks (1 when up) and
// the last entry it applied.
type AgentReport struct {
	Service string        `json:"service"`
	Running uint64        `json:"running"`
	Last    *HistoryEntry `json:"last"`
}

// ServiceReport is one service of a StatusReport: its ServiceStatus and
// the health that sums it up.
type ServiceReport struct {
	ServiceStatus
	// Health is ServiceStatus.Health: ok, degraded, down or stopped.
	Health string `json:"health"`
}

// NewStatusReport is the report of the services of env's stack ns.
func NewStatusReport(env, ns string, list []ServiceStatus) StatusReport {
	r := StatusReport{Env: env, Namespace: ns, Services: make([]ServiceReport, 0, len(list))}
	for _, s := range list {
		r.Services = append(r.Services, ServiceReport{ServiceStatus: s, Health: s.Health()})
	}
	return r
}

// HistoryReport is what `gazr history --json` prints.
type HistoryReport struct {
	FormatVersion int    `json:"format_version"`
	Env           string `json:"env"`
	Namespace     string `json:"namespace"`
	// Records are newest first; [] before the first deploy.
	Records []HistoryEntry `json:"records"`
}

// HistoryEntry is one Record as the history shows it: without the
// service specs it keeps for rollback, which are swarm's own format.
type HistoryEntry struct {
	// Kind is deploy, rollback, scale or chaos (an experiment of gazr
	// chaos: Result is held, not held, aborted or interrupted, and Message
	// says what it hit and found).
	Kind    string `json:"kind"`
	Version string `json:"version"`
	// Previous is the version it replaced, "" for the first.
	Previous string    `json:"previous"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	// Duration is a Go duration ("12.3s").
	Duration string `json:"duration"`
	// Result is succeeded, failed, rolled back, interrupted…
	Result  string `json:"result"`
	Message string `json:"message,omitempty"`
}

// NewHistoryReport is the report of env's stack ns's records.
func NewHistoryReport(env, ns string, records []Record) HistoryReport {
	r := HistoryReport{Env: env, Namespace: ns, Records: make([]HistoryEntry, 0, len(records))}
	for _, rec := range records {
		r.Records = append(r.Records, rec.Entry())
	}
	return r
}

// Entry is the record as the history shows it.
func (rec Record) Entry() HistoryEntry {
	return HistoryEntry{Kind: rec.Kind, Version: rec.Version, Previous: rec.Previous,
		By: rec.By, At: rec.At, Duration: rec.Duration, Result: rec.Result, Message: rec.Message}
}

// ClusterStatus is what `gazr cluster status --json` prints.
type ClusterStatus struct {
	FormatVersion int          `json:"format_version"`
	Env           string       `json:"env"`
	Backend       string       `json:"backend"`
	Nodes         []NodeStatus `json:"nodes"`
	// Schedule is null when the backend runs no schedule.
	Schedule *ScheduleStatus `json:"schedule"`
}

// NodeStatus is a node, or a machine that has not joined.
type NodeStatus struct {
	ID       string `json:"id,omitempty"`
	Hostname string `json:"hostname,omitempty"`
	// Role is manager or worker.
	Role string `json:"role"`
	// Swarm is ready, down, drained or not_joined.
	Swarm    string `json:"swarm"`
	Machine  string `json:"machine,omitempty"`
	Instance string `json:"instance,omitempty"`
	Group    string `json:"group,omitempty"`
	Host     string `json:"host,omitempty"`
	Address  string `json:"address,omitempty"`
}

// ScheduleStatus compares the schedule in force with the configured one.
type ScheduleStatus struct {
	InForce []Scheduled `json:"in_force"`
	// Configured is the env's schedule key.
	Configured []Scheduled `json:"configured"`
	// Differs: gazr's changes in force are not the configured ones
	// (gazr cluster apply makes them so). Missing are configured and not
	// in force, Extra in force (written by gazr) and no longer configured.
	Differs bool        `json:"differs"`
	Missing []Scheduled `json:"missing,omitempty"`
	Extra   []Scheduled `json:"extra,omitempty"`
}

// Scheduled is one scheduled change of the number of workers.
type Scheduled struct {
	Name    string     `json:"name,omitempty"`
	Cron    string     `json:"cron"`
	TZ      string     `json:"tz"`
	Workers int        `json:"workers"`
	Next    *time.Time `json:"next,omitempty"`
	// Managed: gazr wrote it; the others are kept as they are.
	Managed bool `json:"managed"`
}

// Same reports whether a and b change the same thing at the same times.
func (a Scheduled) Same(b Scheduled) bool {
	return a.Cron == b.Cron && a.TZ == b.TZ && a.Workers == b.Workers
}
