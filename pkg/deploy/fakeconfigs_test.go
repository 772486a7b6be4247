package deploy

import (
	"context"
	"fmt"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// fakeConfigs models swarm's configs: unique names, versions bumped by
// updates, removal by ID or name, and removals that fail on demand.
type fakeConfigs struct {
	mu          sync.Mutex
	byID        map[string]swarm.Config
	next        int
	failRemoves int // the next n removals fail
}

func newFakeConfigs() *fakeConfigs { return &fakeConfigs{byID: map[string]swarm.Config{}} }

func (f *fakeConfigs) find(idOrName string) (swarm.Config, bool) {
	for _, c := range f.byID {
		if c.ID == idOrName || c.Spec.Name == idOrName {
			return c, true
		}
	}
	return swarm.Config{}, false
}

func (f *fakeConfigs) ConfigCreate(_ context.Context, o client.ConfigCreateOptions) (client.ConfigCreateResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.find(o.Spec.Name); ok {
		return client.ConfigCreateResult{}, fmt.Errorf("config %s: %w", o.Spec.Name, cerrdefs.ErrConflict)
	}
	f.next++
	id := fmt.Sprintf("cfg%d", f.next)
	f.byID[id] = swarm.Config{ID: id, Meta: swarm.Meta{Version: swarm.Version{Index: 1}}, Spec: o.Spec}
	return client.ConfigCreateResult{ID: id}, nil
}

func (f *fakeConfigs) ConfigInspect(_ context.Context, id string, _ client.ConfigInspectOptions) (client.ConfigInspectResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.find(id)
	if !ok {
		return client.ConfigInspectResult{}, fmt.Errorf("config %s: %w", id, cerrdefs.ErrNotFound)
	}
	return client.ConfigInspectResult{Config: c}, nil
}

func (f *fakeConfigs) ConfigList(context.Context, client.ConfigListOptions) (client.ConfigListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out client.ConfigListResult
	for _, c := range f.byID {
		out.Items = append(out.Items, c)
	}
	return out, nil
}

func (f *fakeConfigs) ConfigUpdate(_ context.Context, id string, o client.ConfigUpdateOptions) (client.ConfigUpdateResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.find(id)
	switch {
	case !ok:
		return client.ConfigUpdateResult{}, fmt.Errorf("config %s: %w", id, cerrdefs.ErrNotFound)
	case o.Version.Index != c.Version.Index:
		return client.ConfigUpdateResult{}, fmt.Errorf("config %s: update out of sequence", id)
	case string(o.Spec.Data) != string(c.Spec.Data):
		return client.ConfigUpdateResult{}, fmt.Errorf("config %s: only updates to Labels are allowed", id)
	}
	c.Spec, c.Version.Index = o.Spec, c.Version.Index+1
	f.byID[c.ID] = c
	return client.ConfigUpdateResult{}, nil
}

func (f *fakeConfigs) ConfigRemove(_ context.Context, id string, _ client.ConfigRemoveOptions) (client.ConfigRemoveResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failRemoves > 0 {
		f.failRemoves--
		return client.ConfigRemoveResult{}, fmt.Errorf("config %s: context deadline exceeded", id)
	}
	c, ok := f.find(id)
	if !ok {
		return client.ConfigRemoveResult{}, fmt.Errorf("config %s: %w", id, cerrdefs.ErrNotFound)
	}
	delete(f.byID, c.ID)
	return client.ConfigRemoveResult{}, nil
}
