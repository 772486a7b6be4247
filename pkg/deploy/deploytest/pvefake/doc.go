// Package pvefake is a stateful fake of the Proxmox VE API (as of PVE
// 9.0) for the parts gazr's proxmox backend uses, served over TLS so
// that the real client (github.com/luthermonson/go-proxmox, which only
// this package's tests import) talks to it as to a cluster.
//
// # Wire
//
// Paths under /api2/json; answers {"data": …} (the task log adds
// "total"). Request parameters come from the query string and from the
// body, JSON (as go-proxmox sends them) or a form; they are checked
// against each method's schema as PVE's JSONSchema does: unknown
// parameters, types ("type check ('integer') failed - got 'x'"; booleans
// are 0 or 1), minimums, enumerations and formats (dns-name, pve-poolid,
// urlencoded sshkeys, tags, ipconfig, memory). Errors are pveproxy's:
// the message's first line is the status line's reason phrase
// ("500 Configuration file 'nodes/pve1/qemu-server/100.conf' does not
// exist"), the body {"data":null,"message":"…\n"}, with "errors" per
// parameter for 400 "Parameter verification failed."; 401 and 595 have
// no body. A path with no method answers 501 "Method 'GET /x' not
// implemented". Every error closes the connection, as pveproxy does.
//
// Authentication is by API token only: "Authorization:
// PVEAPIToken=user@realm!id=secret". No token is 401 "No ticket", a bad
// or unknown one 401 "Authentication failed!" (PVE waits 3 s first:
// Options.AuthFailDelay). Each Token has a set of privileges, held on
// every path (there are no ACL paths); a method's check fails as PVE's
// with 403 "Permission check failed (/vms/100, VM.Clone)" (or
// "(path, A|B)" when any of several would do). The checks are PVE's
// for each method: Sys.Audit for cluster status and node status,
// VM.Audit to read VMs (lists and resources are filtered),
// VM.Config.* per config key (Cloudinit or Network for the cloud-init
// keys, Options for tags and name, CPU, Memory…), VM.Clone on the
// source plus VM.Allocate, Datastore.AllocateSpace and SDN.Use for a
// clone, VM.PowerMgmt to start and stop, VM.Allocate to delete and
// convert, VM.GuestAgent.Audit for the agent, Pool.Audit and
// Pool.Allocate for pools; a token reads its own tasks, others' need
// Sys.Audit on the node.
//
// The server has its own certificate, signed by its own cluster CA
// (CACertPEM, as pve-root-ca.pem), with Fingerprint as PVE shows it.
//
// # What is modelled
//
// Nodes (Options.Nodes, the API answering as the first): /nodes,
// /nodes/{node}/status, /cluster/status (quorate while more than half
// are online), /cluster/resources (pools, VMs with name, status, tags
// "a;b", pool, lock, template, maxcpu, maxmem, mem; nodes with maxcpu,
// maxmem and the memory their running VMs use; type=vm|node),
// /cluster/nextid (the lowest free id from 100, as a string; with
// vmid, 400 "VM 100 already exists"), /version, /access/permissions.
// A path naming an unknown node is 500 "hostname lookup … failed"; a
// lost node (LoseNode) answers 595 "No route to host".
//
// Pools: GET /pools (with poolid: members), GET /pools/{poolid}, POST
// /pools, PUT /pools (vms, delete, allow-move).
//
// VMs, each on a node, at /nodes/{node}/qemu/{vmid} (asked of another
// node, the "does not exist" 500, as PVE reads the node's own config
// directory): the list, status/current, config GET (with digest),
// POST (a qmconfig task) and PUT (at once) with delete and digest;
// tags stored as PVE's default tag style does (lower case, sorted,
// ';'); sshkeys URL-encoded and checked as public keys ("SSH public key
// validation error"); clone (newid, name, target, full, pool,
// description: a linked clone, the default, only of a template, "Linked
// clone feature is not supported for …" otherwise; the new VM exists
// at once on the source node, locked "clone", and moves to the target
// and into the pool when its qmclone task ends; new MAC and SMBIOS
// UUID; the name "Copy-of-VM-<name>" when none is given); template
// (convert, qmtemplate); status/start, stop, shutdown, reboot (qmstart,
// qmstop, qmshutdown, qmreboot, refusing as PVE does: a template, a
// running VM, a locked VM); DELETE (qmdestroy; a running or protected
// VM refused; purge; the VM leaves its pool).
//
// Tasks: every such method answers a UPID
// (UPID:node:pid:pstart:starttime:type:vmid:user@realm!token:); its
// task runs in the background holding the VM's config lock (its
// VM's tasks run one at a time, in the order they came; one waiting
// longer than Options.LockTimeout fails "can't lock file … - got
// timeout"), lasts Options.TaskDelay, stays running while Hold is in
// force, and ends stopped with exit status "OK" or its error, its log
// ending "TASK OK" or "TASK ERROR: …". /nodes/{node}/tasks/{upid}/status
// and /log (start, limit, total) read it; an unknown UPID is 400 "no
// such task". Fail makes the next task of a type fail with a message
// (the request's effect undone). Tasks and Wait show them to tests.
//
// The guest agent: network-get-interfaces (lo and eth0 with the VM's
// address and MAC), get-osinfo, get-host-name, ping; 500 "No QEMU guest
// agent configured", "VM 100 is not running", and "QEMU guest agent is
// not running" until Options.AgentDelay after a start (forever after
// StopAgent).
//
// Machines are pluggable (Machines): a clone's task calls Create, a
// start Start (whose IP the agent reports), stop Stop, shutdown
// Shutdown, delete Destroy; without Machines a VM's address is its
// ipconfig0's static address, else 10.10.x.y.
//
// Faults (Inject): Unreachable (the connection dropped), Silence
// (held, then dropped), ServerError (any status, PVE's shape), per
// method and path pattern, a number of times. LoseNode takes a node
// offline and hard-stops its VMs' machines; RestoreNode brings it back
// (its VMs stopped). Losing the first node leaves the API answering, as
// if the client had used another node's address. Calls records every
// request.
//
// # What is not modelled
//
// Tickets (/access/ticket), users, ACL paths and roles; HA, migration,
// snapshots, backups, replication, containers (lxc), SDN, firewalls,
// storage content and the ISO uploads go-proxmox's CloudInit makes.
// Storage is one shared storage ("vmstore", as Ceph RBD would be), so a
// clone may target any node and no storage fills up; a template with
// linked clones can be deleted. Config changes apply at once (PVE keeps
// most changes to a running VM pending until it restarts, and GET
// config shows them applied, as here; current=1 is not honoured). Only
// the config keys a cloud-init VM needs are in the schema (others are
// "not defined in schema"). Resource usage figures are constant. The
// guest agent commands other than the four above, the 3 s delay of 401s
// unless asked, and PVE 8's privilege names (VM.Monitor) are not
// modelled. The certificate is ECDSA, not PVE's RSA.
package pvefake
