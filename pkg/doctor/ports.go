package doctor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
)

// Port is a host port a compose service publishes.
type Port struct {
	Service string
	// HostIP is the address it binds; empty for all.
	HostIP string
	Port   uint16
	// Protocol is "tcp" (default) or "udp".
	Protocol string
	// File is the compose file that publishes it, for the fix.
	File string
}

func (p Port) String() string {
	proto := p.Protocol
	if proto == "" {
		proto = "tcp"
	}
	return fmt.Sprintf("%d/%s", p.Port, proto)
}

// ports checks that each port is free on this machine, or held by one of
// the project's own running containers (its services, started by an
// earlier gazr init). Free ports share one line.
func (d *Doctor) ports(ctx context.Context, project string, ports []Port) []Result {
	if len(ports) == 0 {
		return nil
	}
	ours, err := d.held(ctx, project)
	if err != nil {
		return []Result{{Name: "ports", Status: Warn, Detail: "cannot list the project's containers: " + err.Error(),
			Fix: "check the engine's logs (e.g. `journalctl -u docker`)"}}
	}
	var free []string
	var rs []Result
	for _, p := range ports {
		if ours[p.String()] {
			free = append(free, p.String()+" ("+p.Service+", running)")
			continue
		}
		r := d.port(p)
		if r.Status == OK {
			free = append(free, p.String()+" ("+p.Service+")")
			continue
		}
		rs = append(rs, r)
	}
	if len(free) > 0 {
		rs = append([]Result{{Name: "ports", Status: OK, Detail: "free or the project's own: " + strings.Join(free, ", ")}}, rs...)
	}
	return rs
}

// held returns the published ports ("5432/tcp") of the project's running
// containers.
func (d *Doctor) held(ctx context.Context, project string) (map[string]bool, error) {
	held := map[string]bool{}
	if project == "" {
		return held, nil
	}
	f := client.Filters{}.Add("label", container.LabelProject+"="+project).Add("status", "running")
	list, err := d.API.ContainerList(ctx, client.ContainerListOptions{Filters: f})
	if err != nil {
		return nil, err
	}
	for _, c := range list.Items {
		for _, p := range c.Ports {
			if p.PublicPort != 0 {
				held[Port{Port: p.PublicPort, Protocol: p.Type}.String()] = true
			}
		}
	}
	return held, nil
}

// port tries to listen on p. Ports below 1024 need privileges this
// process may lack, which says nothing about their use: the engine binds
// them as root.
func (d *Doctor) port(p Port) Result {
	r := Result{Name: "port " + p.String(), Status: OK}
	network := "tcp"
	if p.Protocol == "udp" {
		network = "udp"
	}
	l, err := d.Listen(network, net.JoinHostPort(p.HostIP, strconv.Itoa(int(p.Port))))
	switch {
	case err == nil:
		_ = l.Close()
	case errors.Is(err, syscall.EACCES):
		// Not ours to bind: assume free rather than cry wolf.
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		r.Status, r.Detail = Fail, fmt.Sprintf("service %s publishes it on %s, an address this machine does not have", p.Service, p.HostIP)
		r.Fix = fmt.Sprintf("change the host address of service %s's port in %s", p.Service, p.File)
	default:
		r.Status, r.Detail = Fail, fmt.Sprintf("in use on this machine; service %s publishes it", p.Service)
		r.Fix = fmt.Sprintf("stop what listens there (`ss -lntup 'sport = :%d'` shows it), or publish service %s on another port in %s", p.Port, p.Service, p.File)
	}
	return r
}
