package pvefake

import (
	"fmt"
	"sort"
	"strconv"
)

// pool is a resource pool: VMs only (the fake has no storage members).
type pool struct {
	id      string
	comment string
	vms     map[int]bool
}

// AddPool adds a pool (nothing if it exists).
func (f *Fake) AddPool(id, comment string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.pools[id]; !ok {
		f.pools[id] = &pool{id: id, comment: comment, vms: map[int]bool{}}
	}
}

func (f *Fake) poolIDs() []string {
	ids := make([]string, 0, len(f.pools))
	for id := range f.pools {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// getPools is GET /pools: every pool the token may audit, or with
// poolid that pool with its members.
func (f *Fake) getPools(q *request) (any, *apiError) {
	if id := q.params["poolid"]; id != "" {
		info, e := f.poolInfo(id, q.params["type"])
		if e != nil {
			return nil, e
		}
		info["poolid"] = id
		return []map[string]any{info}, nil
	}
	out := []map[string]any{}
	for _, id := range f.poolIDs() {
		if !q.token.has("Pool.Audit") {
			continue
		}
		e := map[string]any{"poolid": id}
		if c := f.pools[id].comment; c != "" {
			e["comment"] = c
		}
		out = append(out, e)
	}
	return out, nil
}

// getPool is the deprecated GET /pools/{poolid}.
func (f *Fake) getPool(q *request) (any, *apiError) {
	return f.poolInfo(q.seg["poolid"], q.params["type"])
}

func (f *Fake) poolInfo(id, typ string) (map[string]any, *apiError) {
	p, ok := f.pools[id]
	if !ok {
		return nil, fail("pool '%s' does not exist", id)
	}
	members := []map[string]any{}
	if typ == "" || typ == "qemu" {
		for _, vmid := range f.vmIDs() {
			if p.vms[vmid] {
				members = append(members, f.vmResource(f.vms[vmid], nil))
			}
		}
	}
	info := map[string]any{"members": members}
	if p.comment != "" {
		info["comment"] = p.comment
	}
	return info, nil
}

// postPool is POST /pools: a new pool.
func (f *Fake) postPool(q *request) (any, *apiError) {
	id := q.params["poolid"]
	if _, ok := f.pools[id]; ok {
		return nil, fail("create pool failed: pool '%s' already exists", id)
	}
	f.pools[id] = &pool{id: id, comment: q.params["comment"], vms: map[int]bool{}}
	return nil, nil
}

var poolUpdateSpecs = map[string]spec{
	"poolid":     {format: poolID, required: true},
	"comment":    stringSpec,
	"vms":        stringSpec,
	"storage":    stringSpec,
	"delete":     boolSpec,
	"allow-move": boolSpec,
}

// putPool is PUT /pools: add VMs to a pool (or remove them with
// delete=1), the comment.
func (f *Fake) putPool(q *request) (any, *apiError) {
	p, ok := f.pools[q.params["poolid"]]
	if !ok {
		return nil, fail("pool '%s' does not exist", q.params["poolid"])
	}
	if c, ok := q.params["comment"]; ok {
		p.comment = c
	}
	if q.params["storage"] != "" {
		return nil, fail("storage '%s' does not exist", q.params["storage"])
	}
	for _, s := range splitList(q.params["vms"]) {
		vmid, err := strconv.Atoi(s)
		v := f.vms[vmid]
		if err != nil || v == nil {
			return nil, fail("VM %s does not exist", s)
		}
		if q.params["delete"] == "1" {
			if v.pool == p.id {
				v.pool = ""
				delete(p.vms, vmid)
			}
			continue
		}
		if v.pool != "" && v.pool != p.id && q.params["allow-move"] != "1" {
			return nil, fail("VM %d belongs already to pool '%s' and allow-move is not set", vmid, v.pool)
		}
		f.setPool(v, p.id)
	}
	return nil, nil
}

// setPool moves v to pool id ("" for none).
func (f *Fake) setPool(v *vm, id string) {
	if old := f.pools[v.pool]; old != nil {
		delete(old.vms, v.id)
	}
	v.pool = id
	if p := f.pools[id]; p != nil {
		p.vms[v.id] = true
	}
}

// checkPoolExists is RPCEnvironment::check_pool_exist, a permission error.
func (f *Fake) checkPoolExists(id string) *apiError {
	if _, ok := f.pools[id]; !ok {
		return permError(fmt.Sprintf("pool '%s' does not exist", id))
	}
	return nil
}
