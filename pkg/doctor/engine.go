package doctor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
)

// MinAPIVersion is the oldest engine API gazr works with (Docker 20.10).
const MinAPIVersion = "1.41"

// engine pings the engine, agreeing on an API version.
func (d *Doctor) engine(ctx context.Context) (Result, bool) {
	host := d.API.DaemonHost()
	pctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	_, err := d.API.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true})
	if err == nil {
		return Result{Name: "engine", Status: OK, Detail: "reachable at " + host}, true
	}
	detail := "cannot reach the container engine at " + host
	if errors.Is(pctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		detail = fmt.Sprintf("no answer from the container engine at %s within %s", host, d.Timeout)
	}
	fix := (&container.EngineError{Host: host, Err: err}).Fix()
	return Result{Name: "engine", Status: Fail, Detail: detail, Fix: fix}, false
}

// version compares the engine's API version with MinAPIVersion.
func (d *Doctor) version(ctx context.Context) Result {
	v, err := d.API.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return Result{Name: "engine version", Status: Warn, Detail: "cannot read the engine's version: " + err.Error(),
			Fix: "check the engine's logs (e.g. `journalctl -u docker`)"}
	}
	detail := fmt.Sprintf("%s %s, API %s", product(v), v.Version, v.APIVersion)
	if olderAPI(v.APIVersion, MinAPIVersion) {
		return Result{Name: "engine version", Status: Fail,
			Detail: detail + ", older than API " + MinAPIVersion + " which gazr needs",
			Fix:    "upgrade the engine to Docker 20.10 or later (API " + MinAPIVersion + "+)"}
	}
	return Result{Name: "engine version", Status: OK, Detail: detail}
}

func product(v client.ServerVersionResult) string {
	if v.Platform.Name != "" {
		return v.Platform.Name
	}
	return "Docker"
}

// olderAPI reports whether API version a ("1.40") is older than b. An
// unreadable version is not called older: the ping agreed on one.
func olderAPI(a, b string) bool {
	am, an, ok1 := apiParts(a)
	bm, bn, ok2 := apiParts(b)
	if !ok1 || !ok2 {
		return false
	}
	return am < bm || (am == bm && an < bn)
}

func apiParts(v string) (int, int, bool) {
	maj, min, ok := strings.Cut(v, ".")
	if !ok {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	return a, b, err1 == nil && err2 == nil
}
