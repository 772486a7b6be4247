package aws

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsmem"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// TestCandidates: running managers only, joined (Init=true) first, then
// the oldest.
func TestCandidates(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	g := awsproto.Group{Instances: []awsproto.Instance{
		{ID: "i-new-joined", State: "running", PrivateIP: "10.0.0.1", LaunchTime: t0.Add(2 * time.Hour), Tags: map[string]string{"Init": "true"}},
		{ID: "i-old", State: "running", PrivateIP: "10.0.0.2", LaunchTime: t0},
		{ID: "i-stopped", State: "stopped", PrivateIP: "10.0.0.3", Tags: map[string]string{"Init": "true"}},
		{ID: "i-old-joined", State: "running", PrivateIP: "10.0.0.4", LaunchTime: t0.Add(time.Hour), Tags: map[string]string{"Init": "true"}},
		{ID: "i-no-ip", State: "running"},
	}}
	var got []string
	for _, in := range candidates(g) {
		got = append(got, in.ID)
	}
	if s := strings.Join(got, " "); s != "i-old-joined i-new-joined i-old" {
		t.Errorf("candidates = %s", s)
	}
}

// TestManagerFailover: a manager that does not answer is skipped for the
// next one, which the log names.
func TestManagerFailover(t *testing.T) {
	e := newBed(t, 3, 1)
	ms := e.instances(awsproto.RoleManagers)
	e.refuse[ms[0].ID] = &sshconn.Error{Target: "root@" + ms[0].PrivateIP, Stderr: "Connection refused"}
	api, err := e.b.Manager(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	api.Close()
	if len(e.dialed) != 2 || e.dialed[1] != ms[1].ID {
		t.Errorf("dialled %v, want %s then %s", e.dialed, ms[0].ID, ms[1].ID)
	}
	if !strings.Contains(e.log.String(), "manager "+ms[1].ID+" ("+ms[1].PrivateIP+") answered") {
		t.Errorf("log %q", e.log.String())
	}
}

// TestManagerSkipsStopped: a stopped manager instance is not dialled, and
// the log says it was passed by; when no running manager answers, the
// one-line error names it too.
func TestManagerSkipsStopped(t *testing.T) {
	e := newBed(t, 3, 0)
	ms := e.instances(awsproto.RoleManagers)
	e.cloud.Lock()
	e.cloud.Managers.Instances[0].State = "stopped"
	e.cloud.Unlock()
	api, err := e.b.Manager(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	api.Close()
	if len(e.dialed) != 1 || e.dialed[0] != ms[1].ID {
		t.Errorf("dialled %v, want only %s", e.dialed, ms[1].ID)
	}
	if want := "manager " + ms[0].ID + " (" + ms[0].PrivateIP + "): skipped, its instance is stopped\n"; e.log.String() != want {
		t.Errorf("log %q, want %q", e.log.String(), want)
	}

	e.refuse[ms[1].ID] = errors.New("ssh: Connection refused")
	e.refuse[ms[2].ID] = errors.New("ssh: Connection refused")
	_, err = e.b.Manager(ctx(t))
	if want := "; " + ms[0].ID + " (" + ms[0].PrivateIP + "): not tried, its instance is stopped"; !errors.Is(err, deploy.ErrUnreachable) || !strings.HasSuffix(fmt.Sprint(err), want) {
		t.Errorf("Manager: %v\nwant it to end with %q", err, want)
	}
}

// TestManagerUnreachable: every manager unreachable names each with its
// own error.
func TestManagerUnreachable(t *testing.T) {
	e := newBed(t, 2, 0)
	ms := e.instances(awsproto.RoleManagers)
	e.refuse[ms[0].ID] = &sshconn.Error{Target: "root@10.0.1.1", Stderr: "Permission denied (publickey)."}
	e.refuse[ms[1].ID] = errors.New("ssh root@10.0.1.2: Connection timed out")
	_, err := e.b.Manager(ctx(t))
	want := "env staging: swarm manager unreachable: " + ms[0].ID + " (10.0.1.1): ssh root@10.0.1.1: Permission denied (publickey).; " +
		ms[1].ID + " (10.0.1.2): ssh root@10.0.1.2: Connection timed out"
	if !errors.Is(err, deploy.ErrUnreachable) || err.Error() != want {
		t.Errorf("Manager: %v\nwant %s", err, want)
	}
	if _, err := e.b.Nodes(ctx(t)); !errors.Is(err, deploy.ErrUnreachable) {
		t.Errorf("Nodes: %v", err)
	}
}

// TestManagerNoInstance: no running manager says what was searched and
// how to fix it.
func TestManagerNoInstance(t *testing.T) {
	cloud := &awsmem.Cloud{Managers: awsproto.Group{Searched: "instances tagged Name=SwarmManager-staging"}}
	cloud.AddInstance(awsproto.RoleManagers, nil)
	cloud.Managers.Instances[0].State = "stopped"
	b, err := NewWith(deploy.BackendOptions{Env: &config.Environment{Name: "staging", Backend: "aws"}}, cloud)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Manager(ctx(t))
	for _, want := range []string{"env staging: ", "no running manager instance (searched instances tagged Name=SwarmManager-staging: 1 stopped)",
		"[env.staging.aws] (default: tags Name=SwarmManager-staging)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Manager: %v\nwant %q", err, want)
		}
	}
	if req := cloud.Calls[0]; req.Target.Managers.Tags["Name"] != "SwarmManager-staging" || req.Target.Workers.Tags["Name"] != "SwarmWorker-staging" {
		t.Errorf("default selectors: %+v", req.Target)
	}
}

// TestEndpoint: how an instance is reached, by access.
func TestEndpoint(t *testing.T) {
	in := awsproto.Instance{ID: "i-1", PrivateIP: "10.0.1.5", PublicIP: "203.0.113.5"}
	tests := []struct {
		name string
		a    config.AWS
		want string
	}{
		{"ssh, public address", config.AWS{Access: "ssh"}, "i-1 (203.0.113.5)"},
		{"ssh through a jump host: private address", config.AWS{Access: "ssh", Jump: "bastion"}, "i-1 (10.0.1.5)"},
		{"tls", config.AWS{Access: "tls"}, "i-1 (203.0.113.5)"},
	}
	for _, tt := range tests {
		b := &Backend{env: &config.Environment{Name: "s", TLS: config.TLS{CA: "ca", Cert: "c", Key: "k"}}, cfg: tt.a}
		if ep := b.endpoint(in); ep.Host != tt.want || len(ep.Opts) == 0 {
			t.Errorf("%s: endpoint %q (%d options), want %q", tt.name, ep.Host, len(ep.Opts), tt.want)
		}
	}
}

// TestNewChecks: New refuses what it can tell is wrong, contacting
// nothing.
func TestNewChecks(t *testing.T) {
	tests := []struct {
		name    string
		env     config.Environment
		wantErr string
	}{
		{"defaults", config.Environment{Name: "s"}, ""},
		{"plain tcp", config.Environment{Name: "s", AWS: &config.AWS{Access: "tcp"}}, "insecure = true"},
		{"tls without certificate", config.Environment{Name: "s", AWS: &config.AWS{Access: "tls"}}, "needs the client certificate"},
		{"pinned plain tcp manager", config.Environment{Name: "s", Manager: "tcp://m:2375"}, "insecure = true"},
	}
	for _, tt := range tests {
		cloud := &awsmem.Cloud{}
		_, err := NewWith(deploy.BackendOptions{Env: &tt.env}, cloud)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
		}
		if len(cloud.Calls) > 0 {
			t.Errorf("%s: New called AWS", tt.name)
		}
	}
	if _, err := New(deploy.BackendOptions{Env: &config.Environment{Name: "s"}}); err != nil {
		t.Errorf("New: %v", err)
	}
}
