package doctor

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/enginetest"
)

// TestRealEngine runs the checks against this machine's engine, with an
// image the test images provide, one nobody has, a free port and a port
// this test holds.
func TestRealEngine(t *testing.T) {
	const present = "gazr-test/busybox:1"
	cli := enginetest.Connect(t, present)
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := uint16(l.Addr().(*net.TCPAddr).Port)
	free := freePort(t)

	d := &Doctor{API: cli}
	rs := d.Run(ctx, Needs{
		Project: "doctor-test-none",
		Images:  []Image{{Ref: present, Users: []string{"verb test"}}, {Ref: "gazr-test/no-such-image:0", Users: []string{"verb build"}, Fix: "load it"}},
		Ports:   []Port{{Service: "web", HostIP: "127.0.0.1", Port: free}, {Service: "db", HostIP: "127.0.0.1", Port: busy}},
	})
	for _, r := range rs {
		t.Logf("%d %s: %s | %s", r.Status, r.Name, r.Detail, r.Fix)
	}
	for _, name := range []string{"engine", "engine version", "swarm", "images", "ports"} {
		if r := find(t, rs, name); r.Status != OK {
			t.Errorf("%s = %+v, want OK", name, r)
		}
	}
	if r := find(t, rs, "disk"); r.Status == Fail {
		t.Errorf("disk = %+v", r)
	}
	if r := find(t, rs, "image gazr-test/no-such-image:0"); r.Status == OK || r.Fix == "" {
		t.Errorf("missing image = %+v, want a warning or failure with a fix", r)
	}
	if r := find(t, rs, "port "+Port{Port: busy}.String()); r.Status != Fail || !strings.Contains(r.Detail, "in use") {
		t.Errorf("busy port = %+v, want failure", r)
	}
}

func freePort(t *testing.T) uint16 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}
