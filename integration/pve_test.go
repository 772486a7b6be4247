package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/pvefake"
)

// TestPVE runs the scripts of testdata/pve: gazr's commands on envs of
// the proxmox backend against the fake PVE API, which each script
// starts (pvefake start). It needs no engine and no helper, so it runs
// under -short: the fake's VMs have addresses nothing answers on, and
// ssh goes to a closed port (GAZR_SSH_CONFIG in the scripts).
func TestPVE(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/pve",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setup(env); err != nil {
				return err
			}
			env.Values[pveKey{}] = new(*pvefake.Fake)
			// The VMs gazr clones get this key (ssh_key is not set).
			home := filepath.Join(env.WorkDir, ".home")
			env.Setenv("HOME", home)
			if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
				return err
			}
			key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl gazr@test\n"
			return os.WriteFile(filepath.Join(home, ".ssh", "id_ed25519.pub"), []byte(key), 0o600)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"pvefake": cmdPVEFake,
			"exits":   cmdExits,
			"expand":  cmdExpand,
		},
	})
}

// pveKey holds a script's fake (a **pvefake.Fake) in its values.
type pveKey struct{}

// limitedToken is the second token pvefake start makes: every privilege
// but VM.Clone.
var limitedToken = pvefake.Token{ID: "gazr@pve!limited", Secret: "0d6f3c1e-7a2b-4f5e-9c8d-1b2a3c4d5e6f"}

// pvefake start [nodes] — serve a fake PVE API of that many nodes
// (default 3: pve1…) with the templates 9000 (swarm-manager-tpl) and
// 9001 (swarm-worker-tpl) on pve1, the pool gazr, and two tokens; set
// PVE_URL, PVE_FINGERPRINT, PVE_CA (the cluster's CA, written in $WORK),
// PVE_TOKEN (every privilege) and PVE_TOKEN_LIMITED (no VM.Clone).
//
// pvefake fault METHOD PATH KIND [COUNT] — inject a fault (pvefake.Fault;
// COUNT 0 or none: every request until the script ends).
// pvefake fail TYPE VMID MESSAGE — the next task TYPE of VMID fails.
// pvefake stopagent VMID — VMID's guest agent stops answering.
// pvefake calls — print the requests answered since the last calls, one
// "METHOD /path N" a line (node names, VM ids and UPIDs made generic),
// then "total N", and forget them.
func cmdPVEFake(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: pvefake start [nodes] | fault METHOD PATH KIND [COUNT] | fail TYPE VMID MESSAGE | stopagent VMID | calls")
	}
	f := *ts.Value(pveKey{}).(**pvefake.Fake)
	if args[0] != "start" && f == nil {
		ts.Fatalf("pvefake %s: no fake: pvefake start first", args[0])
	}
	switch args[0] {
	case "start":
		pveStart(ts, args[1:])
	case "fault":
		if len(args) < 4 {
			ts.Fatalf("usage: pvefake fault METHOD PATH KIND [COUNT]")
		}
		flt := pvefake.Fault{Method: args[1], Path: args[2], Kind: pvefake.FaultKind(args[3])}
		if len(args) > 4 {
			n, err := strconv.Atoi(args[4])
			ts.Check(err)
			flt.Count = n
		}
		f.Inject(flt)
	case "fail":
		if len(args) != 4 {
			ts.Fatalf("usage: pvefake fail TYPE VMID MESSAGE")
		}
		id, err := strconv.Atoi(args[2])
		ts.Check(err)
		f.Fail(args[1], id, args[3])
	case "stopagent":
		id, err := strconv.Atoi(args[len(args)-1])
		ts.Check(err)
		f.StopAgent(id)
	case "calls":
		pveCalls(ts, f)
	default:
		ts.Fatalf("pvefake: unknown subcommand %q", args[0])
	}
}

func pveStart(ts *testscript.TestScript, args []string) {
	n := 3
	if len(args) > 0 {
		v, err := strconv.Atoi(args[0])
		ts.Check(err)
		n = v
	}
	opts := pvefake.Options{Pools: []string{"gazr"},
		Templates: []pvefake.Template{{VMID: 9000, Name: "swarm-manager-tpl", Node: "pve1"}, {VMID: 9001, Name: "swarm-worker-tpl", Node: "pve1"}},
		Tokens: []pvefake.Token{{ID: pvefake.DefaultTokenID, Secret: pvefake.DefaultTokenSecret},
			{ID: limitedToken.ID, Secret: limitedToken.Secret, Privs: slices.DeleteFunc(slices.Clone(pvefake.AllPrivileges), func(p string) bool { return p == "VM.Clone" })}},
	}
	for i := range n {
		opts.Nodes = append(opts.Nodes, fmt.Sprintf("pve%d", i+1))
	}
	f := pvefake.New(opts)
	url, stop := f.Start()
	ts.Defer(stop)
	*ts.Value(pveKey{}).(**pvefake.Fake) = f
	ca := ts.MkAbs("pve-root-ca.pem")
	ts.Check(os.WriteFile(ca, f.CACertPEM(), 0o644))
	ts.Setenv("PVE_URL", url)
	ts.Setenv("PVE_FINGERPRINT", f.Fingerprint())
	ts.Setenv("PVE_CA", ca)
	ts.Setenv("PVE_TOKEN", pvefake.DefaultToken)
	ts.Setenv("PVE_TOKEN_LIMITED", limitedToken.String())
}

func pveCalls(ts *testscript.TestScript, f *pvefake.Fake) {
	counts := map[string]int{}
	calls := f.Calls()
	f.ResetCalls()
	for _, c := range calls {
		counts[c.Method+" "+genericPVEPath(c.Path)]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(ts.Stdout(), "%s %d\n", k, counts[k])
	}
	fmt.Fprintf(ts.Stdout(), "total %d\n", len(calls))
	ts.Logf("%d API calls", len(calls))
}

// genericPVEPath writes a path's node names, VM ids and UPIDs as {node},
// {vmid} and {upid}.
func genericPVEPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		switch {
		case i > 0 && parts[i-1] == "nodes":
			parts[i] = "{node}"
		case i > 0 && parts[i-1] == "qemu":
			parts[i] = "{vmid}"
		case strings.HasPrefix(s, "UPID:"):
			parts[i] = "{upid}"
		}
	}
	return strings.Join(parts, "/")
}
