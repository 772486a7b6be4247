package pvefake

// route is one API method: its permission check (nil: any user, as
// PVE's user => 'all'), its parameters beyond the path (nil: the
// handler checks them), whether it writes (refused without quorum).
type route struct {
	method  string
	pattern string
	perm    func(q *request) *apiError
	specs   map[string]spec
	write   bool
	h       func(f *Fake, q *request) (any, *apiError)
}

const vmPath = "/nodes/{node}/qemu/{vmid}"

// routes are the methods the fake serves; any other answers 501 "Method
// '… …' not implemented", as PVE answers a path it has no handler for.
var routes = []route{
	{"GET", "/version", nil, map[string]spec{}, false, (*Fake).getVersion},
	{"GET", "/cluster/status", onRoot("Sys.Audit"), map[string]spec{}, false, (*Fake).getClusterStatus},
	{"GET", "/cluster/resources", nil, map[string]spec{"type": {enum: []string{"vm", "storage", "node", "sdn"}}}, false, (*Fake).getResources},
	{"GET", "/cluster/nextid", nil, map[string]spec{"vmid": optional(vmidSpec)}, false, (*Fake).getNextID},
	{"GET", "/access/permissions", nil, map[string]spec{"userid": stringSpec, "path": stringSpec}, false, (*Fake).getPermissions},
	{"GET", "/nodes", nil, map[string]spec{}, false, (*Fake).getNodes},
	{"GET", "/nodes/{node}/status", onNode("Sys.Audit"), map[string]spec{}, false, (*Fake).getNodeStatus},

	{"GET", "/pools", nil, map[string]spec{"poolid": {format: poolID}, "type": {enum: []string{"qemu", "lxc", "storage"}}}, false, (*Fake).getPools},
	{"POST", "/pools", onPool("Pool.Allocate"), map[string]spec{"poolid": {format: poolID, required: true}, "comment": stringSpec}, true, (*Fake).postPool},
	{"PUT", "/pools", onPool("Pool.Allocate"), poolUpdateSpecs, true, (*Fake).putPool},
	{"GET", "/pools/{poolid}", onPool("Pool.Audit"), map[string]spec{"type": {enum: []string{"qemu", "lxc", "storage"}}}, false, (*Fake).getPool},

	{"GET", "/nodes/{node}/qemu", nil, map[string]spec{"full": boolSpec}, false, (*Fake).getVMList},
	{"GET", vmPath + "/status/current", onVM("VM.Audit"), map[string]spec{}, false, (*Fake).getVMStatus},
	{"GET", vmPath + "/config", onVM("VM.Audit"), map[string]spec{"current": boolSpec, "snapshot": stringSpec}, false, (*Fake).getConfig},
	{"POST", vmPath + "/config", anyConfigPriv, nil, true, (*Fake).postConfig},
	{"PUT", vmPath + "/config", anyConfigPriv, nil, true, (*Fake).putConfig},
	{"POST", vmPath + "/clone", clonePerm, cloneSpecs, true, (*Fake).postClone},
	{"POST", vmPath + "/template", onVM("VM.Allocate"), map[string]spec{"disk": stringSpec}, true, (*Fake).postTemplate},
	{"DELETE", vmPath, onVM("VM.Allocate"), deleteSpecs, true, (*Fake).deleteVM},
	{"POST", vmPath + "/status/start", onVM("VM.PowerMgmt"), startSpecs, true, (*Fake).postStart},
	{"POST", vmPath + "/status/stop", onVM("VM.PowerMgmt"), stopSpecs, true, (*Fake).postStop},
	{"POST", vmPath + "/status/shutdown", onVM("VM.PowerMgmt"), shutdownSpecs, true, (*Fake).postShutdown},
	{"POST", vmPath + "/status/reboot", onVM("VM.PowerMgmt"), map[string]spec{"timeout": {kind: "integer", min: bound(0)}}, true, (*Fake).postReboot},

	{"GET", vmPath + "/agent/network-get-interfaces", agentPerm, map[string]spec{}, false, (*Fake).getAgentInterfaces},
	{"GET", vmPath + "/agent/get-osinfo", agentPerm, map[string]spec{}, false, (*Fake).getAgentOSInfo},
	{"GET", vmPath + "/agent/get-host-name", agentPerm, map[string]spec{}, false, (*Fake).getAgentHostName},
	{"POST", vmPath + "/agent/ping", agentPerm, map[string]spec{}, false, (*Fake).postAgentPing},

	{"GET", "/nodes/{node}/tasks/{upid}/status", nil, map[string]spec{}, false, (*Fake).getTaskStatus},
	{"GET", "/nodes/{node}/tasks/{upid}/log", nil, map[string]spec{
		"start": {kind: "integer", min: bound(0)}, "limit": {kind: "integer", min: bound(0)}, "download": boolSpec,
	}, false, (*Fake).getTaskLog},
}

func optional(s spec) spec {
	s.required = false
	return s
}

// onRoot, onNode, onVM and onPool check privileges on /, /nodes/{node},
// /vms/{vmid} and /pool/{poolid}.
func onRoot(privs ...string) func(*request) *apiError {
	return func(q *request) *apiError { return check(q.token, "/", privs...) }
}

func onNode(privs ...string) func(*request) *apiError {
	return func(q *request) *apiError { return check(q.token, "/nodes/"+q.seg["node"], privs...) }
}

func onVM(privs ...string) func(*request) *apiError {
	return func(q *request) *apiError { return check(q.token, "/vms/"+q.seg["vmid"], privs...) }
}

func onPool(privs ...string) func(*request) *apiError {
	return func(q *request) *apiError {
		id := q.seg["poolid"]
		if id == "" {
			id = q.params["poolid"]
		}
		return check(q.token, "/pool/"+id, privs...)
	}
}

// agentPerm is the guest agent's: VM.GuestAgent.Audit or Unrestricted.
func agentPerm(q *request) *apiError {
	return checkAny(q.token, "/vms/"+q.seg["vmid"], "VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted")
}

// anyConfigPriv is update_vm's first check: any VM.Config.* privilege.
func anyConfigPriv(q *request) *apiError {
	return checkAny(q.token, "/vms/"+q.seg["vmid"], "VM.Config.Disk", "VM.Config.CDROM", "VM.Config.CPU",
		"VM.Config.Memory", "VM.Config.Network", "VM.Config.HWType", "VM.Config.Options", "VM.Config.Cloudinit")
}

// clonePerm is clone_vm's: VM.Clone on the source, and VM.Allocate on
// the new id or on the pool it goes to.
func clonePerm(q *request) *apiError {
	if e := check(q.token, "/vms/"+q.seg["vmid"], "VM.Clone"); e != nil {
		return e
	}
	if q.token.has("VM.Allocate") {
		return nil
	}
	return permError("")
}
