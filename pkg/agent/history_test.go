package agent

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// historyAPI keeps configs in memory: enough for the history.
type historyAPI struct {
	deploy.SwarmAPI
	mu      sync.Mutex
	configs []swarm.Config
	seq     int
}

func (a *historyAPI) ConfigCreate(_ context.Context, o client.ConfigCreateOptions) (client.ConfigCreateResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	id := fmt.Sprint("cfg", a.seq)
	a.configs = append(a.configs, swarm.Config{ID: id, Spec: o.Spec})
	return client.ConfigCreateResult{ID: id}, nil
}

func (a *historyAPI) ConfigList(context.Context, client.ConfigListOptions) (client.ConfigListResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return client.ConfigListResult{Items: append([]swarm.Config(nil), a.configs...)}, nil
}

func (a *historyAPI) ConfigRemove(_ context.Context, id string, _ client.ConfigRemoveOptions) (client.ConfigRemoveResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, c := range a.configs {
		if c.ID == id {
			a.configs = append(a.configs[:i], a.configs[i+1:]...)
			break
		}
	}
	return client.ConfigRemoveResult{}, nil
}

// TestScheduleRecordOutlivesTrimming: the history keeps HistoryLimit
// records, but the newest schedule record stays, so that the agent does
// not apply the entry in force again after a busy day.
func TestScheduleRecordOutlivesTrimming(t *testing.T) {
	ctx := context.Background()
	api := &historyAPI{}
	ns := "shop-staging"
	slot := time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC)
	at := slot
	if err := deploy.AddRecord(ctx, api, deploy.Record{Namespace: ns, Kind: KindSchedule, At: at, Result: deploy.ResultSucceeded, Slot: &slot}); err != nil {
		t.Fatal(err)
	}
	for i := range deploy.HistoryLimit {
		at = at.Add(10 * time.Minute)
		if err := deploy.AddRecord(ctx, api, deploy.Record{Namespace: ns, Kind: "chaos", At: at, Result: "held", Message: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	last, err := LastApplied(ctx, api, ns)
	if err != nil {
		t.Fatal(err)
	}
	if last == nil || !last.Equal(slot) {
		t.Errorf("LastApplied = %v after %d chaos records, want %v: the agent will apply the entry of %v again", last, deploy.HistoryLimit, slot, slot)
	}
}
