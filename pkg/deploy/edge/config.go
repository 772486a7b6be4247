package edge

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"
	"text/template"
	"time"
)

// Slots is how many tasks of one service the edge can balance over: the
// size of each backend's server-template. A start-first rollout of N
// replicas briefly runs up to 2N tasks; addresses beyond Slots get no
// requests until a slot frees up.
const Slots = 32

// HealthURI is the edge's own health check: haproxy answers it (200) without
// consulting any backend.
const HealthURI = "/__gazr/edge/health"

// Timeouts of the generated config that other parts of the spec depend on.
const (
	// hardStopAfter bounds a soft stop; StopGracePeriod leaves it room.
	hardStopAfter = 30 * time.Second
	// connectTimeout bounds one connection attempt to a task. A task that
	// vanished (killed, its node gone) answers nothing: each request sent
	// its way waits this long before its retry on another task, until DNS
	// or the health checks take the task out. Within a cluster a connection
	// takes milliseconds; 1s is also when the kernel would resend a lost SYN.
	connectTimeout = time.Second
)

//go:embed haproxy.cfg.tmpl
var cfgText string

// cfgTmpl is parsed on first use, not at package init, which every gazr
// invocation pays.
var cfgTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("haproxy.cfg").Parse(cfgText))
})

type cfgRoute struct {
	Route
	Backend string
}

// Config returns the haproxy.cfg routing routes. The output is
// deterministic: routes are sorted by host, so the same routes give the
// same bytes (and the same swarm config name, see Spec).
//
// Every route is validated first: hosts must be DNS names, services swarm
// service names, ports in 1-65535, health paths URL paths; nothing that
// could end a word or a line in the config gets through. Two routes for one
// host are an error.
//
// What the config does: a frontend on :80 routes by Host (port stripped,
// case ignored) and answers 404 for unknown hosts and 200 on HealthURI.
// Each route gets a backend of Slots servers filled from tasks.<Service>
// through Docker's DNS every second, health-checked every second (HTTP GET
// of Health, else a TCP connect). Requests are retried up to 3 times on
// another task: always after a connection failure, and, for GET, HEAD and
// OPTIONS only, after an empty or invalid response or a 503.
func Config(routes []Route) ([]byte, error) {
	norm := make([]Route, len(routes))
	for i, r := range routes {
		var err error
		if norm[i], err = r.normalize(); err != nil {
			return nil, err
		}
	}
	sortRoutes(norm)
	rs := make([]cfgRoute, len(norm))
	for i, r := range norm {
		if i > 0 && norm[i-1].Host == r.Host {
			return nil, fmt.Errorf("host %s is routed to two services, %s and %s: give one of them another host", r.Host, norm[i-1].Service, r.Service)
		}
		rs[i] = cfgRoute{Route: r, Backend: "route_" + r.Host}
	}
	var buf bytes.Buffer
	err := cfgTmpl().Execute(&buf, map[string]any{
		"Routes":         rs,
		"Slots":          Slots,
		"HardStopAfter":  seconds(hardStopAfter),
		"ConnectTimeout": seconds(connectTimeout),
	})
	if err != nil {
		return nil, fmt.Errorf("edge config: %w", err)
	}
	return buf.Bytes(), nil
}

// seconds formats d as haproxy reads it ("30s").
func seconds(d time.Duration) string { return fmt.Sprintf("%ds", int(d/time.Second)) }
