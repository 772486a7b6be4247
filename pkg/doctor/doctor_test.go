package doctor

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/swarm"
)

// find returns the result named name.
func find(t *testing.T, rs []Result, name string) Result {
	t.Helper()
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result %q in %+v", name, rs)
	return Result{}
}

func TestRunAllPass(t *testing.T) {
	f := newFake()
	f.images["golang:1.26"] = true
	rs := doctor(f).Run(context.Background(), Needs{Project: "shop",
		Images: []Image{{Ref: "golang:1.26", Users: []string{"verb init"}}},
		Ports:  []Port{{Service: "db", Port: 5432}}})
	names := []string{}
	for _, r := range rs {
		names = append(names, r.Name)
		if r.Status != OK {
			t.Errorf("%s: status %d, want OK: %+v", r.Name, r.Status, r)
		}
	}
	if got, want := strings.Join(names, ","), "engine,engine version,disk,swarm,images,ports"; got != want {
		t.Errorf("checks = %s, want %s", got, want)
	}
	if Worst(rs) != OK {
		t.Errorf("Worst = %d, want OK", Worst(rs))
	}
	if d := find(t, rs, "disk").Detail; d != "50.0 GiB free of 100.0 GiB on /var/lib/docker (the engine's data root)" {
		t.Errorf("disk detail = %q", d)
	}
}

func TestEngine(t *testing.T) {
	tests := []struct {
		name       string
		dockerHost string
		fake       func(*fakeAPI)
		status     Status
		detail     string
		fix        string
	}{
		{name: "reachable", fake: func(*fakeAPI) {}, status: OK, detail: "reachable at unix:///var/run/docker.sock"},
		{name: "refused", fake: func(f *fakeAPI) { f.pingErr = errors.New("connection refused") },
			status: Fail, detail: "cannot reach the container engine at unix:///var/run/docker.sock", fix: "start the engine"},
		{name: "DOCKER_HOST set", dockerHost: "tcp://10.0.0.1:2375",
			fake:   func(f *fakeAPI) { f.host, f.pingErr = "tcp://10.0.0.1:2375", errors.New("connection refused") },
			status: Fail, detail: "cannot reach the container engine at tcp://10.0.0.1:2375", fix: "check that DOCKER_HOST points at a running engine"},
		{name: "permission", fake: func(f *fakeAPI) { f.pingErr = errors.New("dial unix /var/run/docker.sock: connect: permission denied") },
			status: Fail, fix: "add it to the engine's group"},
		{name: "no answer", fake: func(f *fakeAPI) { f.hang = true },
			status: Fail, detail: "no answer from the container engine at unix:///var/run/docker.sock within 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", tt.dockerHost)
			f := newFake()
			tt.fake(f)
			d := doctor(f)
			d.Timeout = 50 * time.Millisecond
			rs := d.Run(context.Background(), Needs{})
			r := rs[0]
			if r.Status != tt.status || !strings.Contains(r.Detail, tt.detail) || !strings.Contains(r.Fix, tt.fix) {
				t.Errorf("engine = %+v, want status %d, detail ~%q, fix ~%q", r, tt.status, tt.detail, tt.fix)
			}
			if tt.status == Fail {
				if len(rs) != 2 || rs[1].Status != Skipped || Worst(rs) != Fail {
					t.Errorf("after a failed engine check: %+v, want one skipped line", rs)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		api    string
		err    error
		status Status
	}{
		{"1.41", nil, OK},
		{"1.45", nil, OK},
		{"2.0", nil, OK},
		{"1.40", nil, Fail},
		{"1.9", nil, Fail},
		{"weird", nil, OK},
		{"", errors.New("boom"), Warn},
	}
	for _, tt := range tests {
		t.Run(tt.api, func(t *testing.T) {
			f := newFake()
			f.api, f.versionErr = tt.api, tt.err
			r := find(t, doctor(f).Run(context.Background(), Needs{}), "engine version")
			if r.Status != tt.status {
				t.Errorf("API %s: %+v, want status %d", tt.api, r, tt.status)
			}
			if tt.status == Fail && !strings.Contains(r.Fix, "Docker 20.10 or later") {
				t.Errorf("fix = %q", r.Fix)
			}
		})
	}
}

func TestDisk(t *testing.T) {
	tests := []struct {
		name     string
		free     uint64
		err      error
		host     string
		engine   string
		root     string
		status   Status
		detail   string
		statfsed bool
	}{
		{name: "plenty", free: 50 << 30, status: OK, statfsed: true},
		{name: "low", free: 3 << 30, status: Warn, detail: "3.0 GiB free", statfsed: true},
		{name: "very low", free: 512 << 20, status: Fail, detail: "0.5 GiB free", statfsed: true},
		{name: "statfs fails", err: syscall.ENOENT, status: Skipped, detail: "not measured: no such file", statfsed: true},
		{name: "remote over tcp", host: "tcp://build:2376", status: Skipped, detail: `engine runs on "box"`},
		{name: "Docker Desktop", engine: "docker-desktop", status: Skipped, detail: `engine runs on "docker-desktop"`},
		{name: "no data root", root: "-", status: Skipped, detail: "data root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.host != "" {
				f.host = tt.host
			}
			if tt.engine != "" {
				f.info.Name = tt.engine
			}
			if tt.root == "-" {
				f.info.DockerRootDir = ""
			}
			d := doctor(f)
			var asked string
			d.Statfs = func(p string) (uint64, uint64, error) { asked = p; return tt.free, 100 << 30, tt.err }
			r := find(t, d.Run(context.Background(), Needs{}), "disk")
			if r.Status != tt.status || !strings.Contains(r.Detail, tt.detail) {
				t.Errorf("disk = %+v, want status %d, detail ~%q", r, tt.status, tt.detail)
			}
			if (asked != "") != tt.statfsed || (tt.statfsed && asked != "/var/lib/docker") {
				t.Errorf("statfs(%q), want a call: %v on the data root", asked, tt.statfsed)
			}
			if (r.Status == Warn || r.Status == Fail) && !strings.Contains(r.Fix, "docker system prune") {
				t.Errorf("fix = %q", r.Fix)
			}
		})
	}
}

func TestSwarm(t *testing.T) {
	tests := []struct {
		info   swarm.Info
		status Status
		detail string
	}{
		{swarm.Info{LocalNodeState: swarm.LocalNodeStateInactive}, OK, "gazr deploy initialises"},
		{swarm.Info{LocalNodeState: swarm.LocalNodeStateActive, ControlAvailable: true, Nodes: 1}, OK, "manager (1 nodes)"},
		{swarm.Info{LocalNodeState: swarm.LocalNodeStateActive, Nodes: 3}, OK, "worker"},
		{swarm.Info{LocalNodeState: swarm.LocalNodeStateLocked}, Warn, "locked"},
		{swarm.Info{LocalNodeState: swarm.LocalNodeStateError, Error: "raft lost"}, Warn, "error: raft lost"},
	}
	for _, tt := range tests {
		t.Run(string(tt.info.LocalNodeState), func(t *testing.T) {
			r := swarmResult(tt.info)
			if r.Status != tt.status || !strings.Contains(r.Detail, tt.detail) || (r.Status == Warn && r.Fix == "") {
				t.Errorf("swarm = %+v, want status %d, detail ~%q", r, tt.status, tt.detail)
			}
		})
	}
}

func TestInfoFails(t *testing.T) {
	f := newFake()
	f.infoErr = errors.New("boom")
	rs := doctor(f).Run(context.Background(), Needs{})
	r := find(t, rs, "engine info")
	if r.Status != Warn || !strings.Contains(r.Detail, "boom") {
		t.Errorf("engine info = %+v", r)
	}
}

func TestImages(t *testing.T) {
	f := newFake()
	f.images["golang:1.26"] = true
	f.images["postgres:15"] = true
	f.pullable["redis:7"] = true
	fix := "build or load it, or set image in .gazr.toml or GAZR_IMAGE_GO to use another one"
	rs := doctor(f).images(context.Background(), []Image{
		{Ref: "golang:1.26", Users: []string{"verb init", "verb test-unit"}},
		{Ref: "postgres:15", Users: []string{"service db"}},
		{Ref: "redis:7", Users: []string{"service cache"}},
		{Ref: "shop-web", Users: []string{"service web"}, Build: "/src/shop"},
		{Ref: "gazr-test/none:0", Users: []string{"verb build"}, Fix: fix},
	})
	want := []Result{
		{Name: "images", Status: OK, Detail: "2 present: golang:1.26, postgres:15"},
		{Name: "image redis:7", Status: Warn, Detail: "missing, used by service cache", Fix: "gazr init pulls it"},
		{Name: "image shop-web", Status: Warn, Detail: "not built yet, used by service web", Fix: "gazr init builds it from /src/shop"},
		{Name: "image gazr-test/none:0", Status: Fail, Detail: "missing and cannot be pulled (no such host), used by verb build", Fix: fix},
	}
	if len(rs) != len(want) {
		t.Fatalf("images = %+v, want %+v", rs, want)
	}
	for i := range want {
		if rs[i] != want[i] {
			t.Errorf("images[%d] =\n%+v\nwant\n%+v", i, rs[i], want[i])
		}
	}
}

func TestPorts(t *testing.T) {
	f := newFake()
	f.containers = []container.Summary{{Ports: []container.PortSummary{{PrivatePort: 6379, PublicPort: 16379, Type: "tcp"}}}}
	d := doctor(f, "tcp :5432", "udp 127.0.0.1:53")
	d.defaults()
	rs := d.ports(context.Background(), "shop", []Port{
		{Service: "db", Port: 5432, File: "/src/shop/compose.yaml"},
		{Service: "cache", Port: 16379, Protocol: "tcp"},
		{Service: "web", Port: 8080},
		{Service: "dns", Port: 53, Protocol: "udp", HostIP: "127.0.0.1"},
	})
	want := []Result{
		{Name: "ports", Status: OK, Detail: "free or the project's own: 16379/tcp (cache, running), 8080/tcp (web)"},
		{Name: "port 5432/tcp", Status: Fail, Detail: "in use on this machine; service db publishes it",
			Fix: "stop what listens there (`ss -lntup 'sport = :5432'` shows it), or publish service db on another port in /src/shop/compose.yaml"},
		{Name: "port 53/udp", Status: Fail, Detail: "in use on this machine; service dns publishes it"},
	}
	if len(rs) != len(want) {
		t.Fatalf("ports = %+v", rs)
	}
	for i := range want {
		if rs[i].Name != want[i].Name || rs[i].Status != want[i].Status || rs[i].Detail != want[i].Detail || (want[i].Fix != "" && rs[i].Fix != want[i].Fix) {
			t.Errorf("ports[%d] =\n%+v\nwant\n%+v", i, rs[i], want[i])
		}
	}
	if len(f.listed) != 1 || !f.listed[0].Filters["label"]["io.gazr.project=shop"] {
		t.Errorf("containers listed with %+v, want the project's label", f.listed)
	}
}

func TestPortsSpecialErrors(t *testing.T) {
	for _, tt := range []struct {
		err    error
		status Status
	}{
		{&wrapErr{syscall.EACCES}, OK},
		{&wrapErr{syscall.EADDRNOTAVAIL}, Fail},
	} {
		f := newFake()
		d := doctor(f)
		d.Listen = func(string, string) (io.Closer, error) { return nil, tt.err }
		rs := d.ports(context.Background(), "shop", []Port{{Service: "web", Port: 80, HostIP: "10.9.9.9"}})
		if Worst(rs) != tt.status {
			t.Errorf("listen error %v: %+v, want status %d", tt.err, rs, tt.status)
		}
	}
}

func TestPortsRemoteEngine(t *testing.T) {
	f := newFake()
	f.host = "ssh://deploy@build"
	rs := doctor(f, "tcp :5432").Run(context.Background(), Needs{Ports: []Port{{Service: "db", Port: 5432}}})
	if r := find(t, rs, "ports"); r.Status != Skipped {
		t.Errorf("ports on a remote engine = %+v, want skipped", r)
	}
}

func TestPortsListFails(t *testing.T) {
	f := newFake()
	f.listErr = errors.New("boom")
	rs := doctor(f).ports(context.Background(), "shop", []Port{{Service: "db", Port: 5432}})
	if len(rs) != 1 || rs[0].Status != Warn {
		t.Errorf("ports = %+v, want one warning", rs)
	}
}

type wrapErr struct{ err error }

func (e *wrapErr) Error() string { return "listen: " + e.err.Error() }
func (e *wrapErr) Unwrap() error { return e.err }
