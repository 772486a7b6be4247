package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// Results of a recorded deploy.
const (
	ResultSucceeded  = "succeeded"
	ResultFailed     = "failed"
	ResultRolledBack = "rolled back"
)

// Record is one entry of a stack's deploy history, kept in the cluster as
// a swarm config so that `gazr history` works from any machine.
type Record struct {
	Namespace string    `json:"namespace"`
	Kind      string    `json:"kind"` // deploy, rollback, scale, chaos, schedule
	Version   string    `json:"version"`
	Previous  string    `json:"previous,omitempty"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Duration  string    `json:"duration"`
	Result    string    `json:"result"`
	Message   string    `json:"message,omitempty"`
	// Slot is, for a schedule record (Kind "schedule", written by gazr's
	// agent), when the schedule entry it applied came into force: the
	// agent applies each slot once.
	Slot *time.Time `json:"slot,omitempty"`
	// Services are the specs that were applied, for `gazr rollback --to`.
	Services []swarm.ServiceSpec `json:"services,omitempty"`
}

// HistoryLimit is how many records a stack keeps; older ones are removed.
const HistoryLimit = 50

// AddRecord stores r and trims the stack's history to HistoryLimit.
func AddRecord(ctx context.Context, api client.ConfigAPIClient, r Record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	spec := swarm.ConfigSpec{
		Annotations: swarm.Annotations{
			Name: configName("gazr-history", r.Namespace, fmt.Sprintf(".%d", r.At.UnixNano())),
			Labels: map[string]string{
				LabelHistory: r.Namespace, "io.gazr.version": r.Version, "io.gazr.result": r.Result, "io.gazr.kind": r.Kind,
				"io.gazr.at": strconv.FormatInt(r.At.UnixNano(), 10),
			},
		},
		Data: data,
	}
	if _, err := api.ConfigCreate(ctx, client.ConfigCreateOptions{Spec: spec}); err != nil {
		return fmt.Errorf("record deploy in history: %w", err)
	}
	return trimHistory(ctx, api, r.Namespace)
}

// History returns a stack's records, newest first.
func History(ctx context.Context, api client.ConfigAPIClient, namespace string) ([]Record, error) {
	configs, err := historyConfigs(ctx, api, namespace)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(configs))
	for _, c := range configs {
		var r Record
		if err := json.Unmarshal(c.Spec.Data, &r); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// historyConfigs lists the stack's history configs, newest first.
func historyConfigs(ctx context.Context, api client.ConfigAPIClient, namespace string) ([]swarm.Config, error) {
	res, err := api.ConfigList(ctx, client.ConfigListOptions{Filters: client.Filters{}.Add("label", LabelHistory+"="+namespace)})
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", namespace, err)
	}
	items := res.Items
	at := func(c swarm.Config) int64 { n, _ := strconv.ParseInt(c.Spec.Labels["io.gazr.at"], 10, 64); return n }
	sort.Slice(items, func(i, j int) bool { return at(items[i]) > at(items[j]) })
	return items, nil
}

func trimHistory(ctx context.Context, api client.ConfigAPIClient, namespace string) error {
	configs, err := historyConfigs(ctx, api, namespace)
	if err != nil || len(configs) <= HistoryLimit {
		return err
	}
	// The newest record of the agent's schedule changes stays, however
	// old: it says which entry the agent applied last, and without it the
	// agent would apply the entry in force once more.
	keep := ""
	for _, c := range configs {
		if c.Spec.Labels["io.gazr.kind"] == "schedule" {
			keep = c.ID
			break
		}
	}
	for _, c := range configs[HistoryLimit:] {
		if c.ID != keep {
			_, _ = api.ConfigRemove(ctx, c.ID, client.ConfigRemoveOptions{})
		}
	}
	return nil
}
