package proxmox

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	pve "github.com/luthermonson/go-proxmox"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestTagScheme(t *testing.T) {
	p := config.Proxmox{ClusterTag: "gazr-shop", Pool: "shop"}
	for _, tt := range []struct {
		name      string
		tags      []string
		pool      string
		role      string
		ok        bool
		tagsAfter string // tagsFor(p, worker, tags)
	}{
		{"manager", []string{"gazr-shop", "gazr-manager"}, "shop", roleManager, true, "gazr-shop;gazr-worker"},
		{"worker, other tags kept", []string{"db", "gazr-worker", "gazr-shop"}, "shop", roleWorker, true, "db;gazr-worker;gazr-shop"},
		{"no role tag", []string{"gazr-shop"}, "shop", "", true, "gazr-shop;gazr-worker"},
		{"other pool", []string{"gazr-shop", "gazr-manager"}, "other", "", false, "gazr-shop;gazr-worker"},
		{"no cluster tag", []string{"gazr-manager"}, "shop", "", false, "gazr-shop;gazr-worker"},
	} {
		role, ok := inEnv(p, tt.tags, tt.pool)
		if role != tt.role || ok != tt.ok {
			t.Errorf("%s: inEnv = %q, %v; want %q, %v", tt.name, role, ok, tt.role, tt.ok)
		}
		if got := tagsFor(p, roleWorker, tt.tags); got != tt.tagsAfter {
			t.Errorf("%s: tagsFor(worker) = %q, want %q", tt.name, got, tt.tagsAfter)
		}
	}
	// PVE reads tags back in lower case: a cluster_tag with capitals
	// still matches, and is not added twice.
	caps := config.Proxmox{ClusterTag: "Gazr-Shop"}
	if role, ok := inEnv(caps, []string{"gazr-manager", "gazr-shop"}, ""); role != roleManager || !ok {
		t.Errorf("inEnv with cluster_tag Gazr-Shop, tags gazr-shop: %q, %v", role, ok)
	}
	if got := tagsFor(caps, roleWorker, []string{"gazr-manager", "gazr-shop"}); got != "gazr-shop;gazr-worker" {
		t.Errorf("tagsFor with cluster_tag Gazr-Shop = %q", got)
	}
	if got := splitTags("a;b,c d"); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("splitTags = %q", got)
	}
}

func TestNames(t *testing.T) {
	if got := vmName("Pre_Prod", roleManager, 2); got != "pre-prod-manager-2" {
		t.Errorf("vmName = %q", got)
	}
	for _, tt := range []struct {
		name string
		role string
		i    int
		ok   bool
	}{
		{"pre-prod-manager-2", roleManager, 2, true},
		{"pre-prod-worker-13", roleWorker, 13, true},
		{"prod-worker-1", "", 0, false},
		{"pre-prod-worker-0", "", 0, false},
		{"pre-prod-db-1", "", 0, false},
	} {
		role, i, ok := parseName("Pre_Prod", tt.name)
		if role != tt.role || i != tt.i || ok != tt.ok {
			t.Errorf("parseName(%q) = %q, %d, %v; want %q, %d, %v", tt.name, role, i, ok, tt.role, tt.i, tt.ok)
		}
	}
}

// TestPlanUp: what exists is kept; new managers each on a PVE node no
// manager is on; new workers where the env has the fewest; names take
// the lowest free index; too few nodes for the managers is an error.
func TestPlanUp(t *testing.T) {
	m := func(name, node string) vm { return vm{Name: name, Node: node, Role: roleManager} }
	w := func(name, node string) vm { return vm{Name: name, Node: node, Role: roleWorker} }
	nodes := []string{"pve1", "pve2", "pve3"}
	for _, tt := range []struct {
		name              string
		existing          []vm
		eligible          []string
		managers, workers int
		want              []newVM
		wantErr           string
	}{
		{name: "from nothing", eligible: nodes, managers: 3, workers: 2, want: []newVM{
			{roleManager, 1, "pve1"}, {roleManager, 2, "pve2"}, {roleManager, 3, "pve3"}, {roleWorker, 1, "pve1"}, {roleWorker, 2, "pve2"}}},
		{name: "all there", existing: []vm{m("s-manager-1", "pve1"), w("s-worker-1", "pve3")}, eligible: nodes, managers: 1, workers: 1},
		{name: "more than asked is kept", existing: []vm{m("s-manager-1", "pve1"), m("s-manager-2", "pve2")}, eligible: nodes, managers: 1},
		{name: "resumed", existing: []vm{m("s-manager-2", "pve2"), w("s-worker-1", "pve1")}, eligible: nodes, managers: 3, workers: 3, want: []newVM{
			{roleManager, 1, "pve1"}, {roleManager, 3, "pve3"}, {roleWorker, 2, "pve2"}, {roleWorker, 3, "pve3"}}},
		{name: "workers round-robin", existing: []vm{m("s-manager-1", "pve1"), w("s-worker-1", "pve1"), w("s-worker-2", "pve1")}, eligible: nodes, managers: 1, workers: 7, want: []newVM{
			{roleWorker, 3, "pve2"}, {roleWorker, 4, "pve3"}, {roleWorker, 5, "pve2"}, {roleWorker, 6, "pve3"}, {roleWorker, 7, "pve1"}}},
		{name: "no node fits", eligible: []string{"pve1", "pve2"}, managers: 3,
			wantErr: "no PVE node fits: 3 managers need 3 distinct PVE nodes (losing a host must not lose quorum), and 2 of the online targets (pve1, pve2) hold no manager yet"},
		{name: "no node fits, one taken", existing: []vm{m("s-manager-1", "pve1")}, eligible: nodes[:2], managers: 3,
			wantErr: "no PVE node fits: 3 managers need 3 distinct PVE nodes (losing a host must not lose quorum), and 1 of the online targets (pve1, pve2) hold no manager yet"},
	} {
		got, err := planUp(tt.existing, tt.eligible, tt.managers, tt.workers)
		switch {
		case tt.wantErr != "":
			var nf *NoNodeFitsError
			if err == nil || err.Error() != tt.wantErr || !errors.As(err, &nf) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case !reflect.DeepEqual(got, tt.want):
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestPickAddress(t *testing.T) {
	ip := func(s string) *pve.AgentNetworkIPAddress { return &pve.AgentNetworkIPAddress{IPAddress: s} }
	ifaces := []*pve.AgentNetworkIface{
		{Name: "docker0", IPAddresses: []*pve.AgentNetworkIPAddress{ip("172.17.0.1")}},
		{Name: "eth0", IPAddresses: []*pve.AgentNetworkIPAddress{ip("fe80::1"), ip("169.254.3.3"), ip("10.0.0.7")}},
		{Name: "eth1", IPAddresses: []*pve.AgentNetworkIPAddress{ip("10.0.1.7")}},
	}
	if got := pickAddress(ifaces); got != "10.0.0.7" {
		t.Errorf("pickAddress = %q, want 10.0.0.7", got)
	}
	if got := pickAddress(ifaces[:1]); got != "" {
		t.Errorf("pickAddress(docker0 only) = %q, want none", got)
	}
	for in, want := range map[string]string{"ip=10.0.0.5/24,gw=10.0.0.1": "10.0.0.5", "gw=10.0.0.1,ip=10.0.0.6": "10.0.0.6", "ip=dhcp": "", "": ""} {
		if got, _ := ipconfigAddress(in); got != want {
			t.Errorf("ipconfigAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAgentOn(t *testing.T) {
	for in, want := range map[string]bool{"1": true, "0": false, "": false, "enabled=1,fstrim_cloned_disks=1": true, "fstrim_cloned_disks=1,enabled=0": false} {
		if got := agentOn(in); got != want {
			t.Errorf("agentOn(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	const fp = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99"
	b, err := parseFingerprint(fp)
	if err != nil {
		t.Fatal(err)
	}
	if got := Fingerprint(b); got != "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99" {
		t.Errorf("Fingerprint = %s", got)
	}
	for _, bad := range []string{"AA:BB", fp[:len(fp)-2] + "ZZ", fp[:len(fp)-2] + "9"} {
		if _, err := parseFingerprint(bad); err == nil {
			t.Errorf("parseFingerprint(%q): no error", bad)
		}
	}
}

func TestToken(t *testing.T) {
	for _, tt := range []struct{ value, id, wantErr string }{
		{"gazr@pve!deploy=8f1c-00", "gazr@pve!deploy", ""},
		{"PVEAPIToken=gazr@pve!deploy=8f1c", "gazr@pve!deploy", ""},
		{"", "", "env pve: PVE_TOKEN is not set: export PVE_TOKEN=user@realm!tokenid=secret, the API token (Datacenter → Permissions → API Tokens)"},
		{"8f1c-secret", "", "env pve: PVE_TOKEN must hold the API token as user@realm!tokenid=secret (e.g. gazr@pve!deploy=8f1c…), not a value of 11 characters"},
		{"gazr@pve=8f1c", "", "env pve: PVE_TOKEN must hold the API token as user@realm!tokenid=secret (e.g. gazr@pve!deploy=8f1c…), not a value of 13 characters"},
	} {
		id, _, err := token("pve", "PVE_TOKEN", tt.value)
		switch {
		case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
			t.Errorf("token(%q): error %v, want %q", tt.value, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || id != tt.id):
			t.Errorf("token(%q) = %q, %v; want %q", tt.value, id, err, tt.id)
		}
	}
}
