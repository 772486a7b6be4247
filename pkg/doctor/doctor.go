// Package doctor checks what a machine needs to work on a project with
// gazr: a reachable engine recent enough, disk space, the swarm state, the
// images the project's verbs and services use, the host ports its services
// publish. Each check returns a Result with a fix for each problem.
//
// The engine is reached through narrow interfaces (EngineAPI, ImageAPI,
// ContainerAPI) so that every check is table-tested with small fakes.
package doctor

import (
	"context"
	"io"
	"net"
	"os"
	"time"

	"github.com/moby/moby/client"
)

// Status is the outcome of a check, from best to worst.
type Status int

// Statuses. Skipped is a check that could not apply (a remote engine's
// disk); it does not fail the run.
const (
	OK Status = iota
	Skipped
	Warn
	Fail
)

// Result is the outcome of one check: Detail says what was found, Fix
// what to do about it (set for Warn and Fail).
type Result struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Worst is the worst status of rs, OK for none.
func Worst(rs []Result) Status {
	w := OK
	for _, r := range rs {
		w = max(w, r.Status)
	}
	return w
}

// EngineAPI is what the engine checks read.
type EngineAPI interface {
	Ping(ctx context.Context, options client.PingOptions) (client.PingResult, error)
	ServerVersion(ctx context.Context, options client.ServerVersionOptions) (client.ServerVersionResult, error)
	Info(ctx context.Context, options client.InfoOptions) (client.SystemInfoResult, error)
	DaemonHost() string
}

// ImageAPI is what the image checks read.
type ImageAPI interface {
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	DistributionInspect(ctx context.Context, image string, options client.DistributionInspectOptions) (client.DistributionInspectResult, error)
}

// ContainerAPI lists the containers that may hold the project's ports.
type ContainerAPI interface {
	ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error)
}

// API is the whole engine API the doctor uses; *client.Client has it.
type API interface {
	EngineAPI
	ImageAPI
	ContainerAPI
}

// Needs is what the project uses, for the image and port checks.
type Needs struct {
	// Project names the project whose own containers (io.gazr.project)
	// may hold its ports.
	Project string
	Images  []Image
	Ports   []Port
}

// Doctor runs the checks. Zero fields take the machine's defaults.
type Doctor struct {
	API API
	// Timeout bounds the engine's answer to a ping. Default 5s.
	Timeout time.Duration
	// Hostname is this machine's name, to tell a local engine from a
	// remote one. Default os.Hostname.
	Hostname string
	// Statfs returns the free and total bytes of the file system holding
	// path. Default: syscall.Statfs.
	Statfs func(path string) (free, total uint64, err error)
	// Listen opens a listener, to tell whether a port is free.
	// Default net.Listen and net.ListenPacket.
	Listen func(network, addr string) (io.Closer, error)
}

// Run runs every check in order. When the engine does not answer, the
// checks that need it are reported as skipped in one line.
func (d *Doctor) Run(ctx context.Context, n Needs) []Result {
	d.defaults()
	engine, ok := d.engine(ctx)
	rs := []Result{engine}
	if !ok {
		rs = append(rs, Result{Name: "other checks", Status: Skipped, Detail: "version, disk, swarm, images and ports need the engine"})
		return rs
	}
	rs = append(rs, d.version(ctx))
	info, err := d.API.Info(ctx, client.InfoOptions{})
	if err != nil {
		rs = append(rs, Result{Name: "engine info", Status: Warn, Detail: "cannot read the engine's info: " + err.Error(),
			Fix: "check the engine's logs (e.g. `journalctl -u docker`)"})
	} else {
		local := d.local(info.Info.Name)
		rs = append(rs, d.disk(info.Info.DockerRootDir, info.Info.Name, local), swarmResult(info.Info.Swarm))
	}
	rs = append(rs, d.images(ctx, n.Images)...)
	if len(n.Ports) > 0 && !d.socket() {
		return append(rs, Result{Name: "ports", Status: Skipped,
			Detail: "not checked: the engine at " + d.API.DaemonHost() + " publishes them on its own host"})
	}
	return append(rs, d.ports(ctx, n.Project, n.Ports)...)
}

func (d *Doctor) defaults() {
	if d.Timeout == 0 {
		d.Timeout = 5 * time.Second
	}
	if d.Hostname == "" {
		d.Hostname, _ = os.Hostname()
	}
	if d.Statfs == nil {
		d.Statfs = statfs
	}
	if d.Listen == nil {
		d.Listen = listen
	}
}

// listen opens a TCP listener or a UDP socket on addr.
func listen(network, addr string) (io.Closer, error) {
	if network == "udp" {
		return net.ListenPacket(network, addr)
	}
	return net.Listen(network, addr)
}
