package sidecar

import (
	"fmt"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
)

// UnknownServiceError names services that the compose project lacks.
type UnknownServiceError struct {
	Names []string
	// Known are the project's services, profiles included.
	Known []string
	// File is the compose file's name ("compose.yaml").
	File string
}

func (e *UnknownServiceError) Error() string {
	if len(e.Names) > 1 {
		return fmt.Sprintf("unknown services %s (known in %s: %s)", quoteList(e.Names), e.File, strings.Join(e.Known, ", "))
	}
	hint := ""
	if s := config.Suggest(e.Names[0], e.Known); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	what := fmt.Sprintf("unknown service %q", e.Names[0])
	return fmt.Sprintf("%s%s (known in %s: %s)", what, hint, e.File, strings.Join(e.Known, ", "))
}

// ImageError says a service's image is missing and could not be pulled.
type ImageError struct {
	Image, Service string
	Err            error
}

func (e *ImageError) Error() string {
	return fmt.Sprintf("image %q for service %s is not available and cannot be pulled (%v); build or load it, or change services.%s.image in the compose file",
		e.Image, e.Service, e.Err, e.Service)
}

func (e *ImageError) Unwrap() error { return e.Err }

// HealthError is a service that did not become healthy. Its first line
// says why; the lines after it hold the last health probe's output and
// the service's last log lines. Its container was removed (a broken
// container is never reused), and so were the volumes Up had just created
// for it; volumes that held data before are kept.
type HealthError struct {
	Service string
	// Reason says what went wrong ("its health check failed 3 times").
	Reason string
	// Probe is the output of the last health probe and ProbeExit its exit
	// code; Probe is empty when no probe ran.
	Probe     string
	ProbeExit int
	// Logs are the service's last log lines.
	Logs []string
}

func (e *HealthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "service %s did not become healthy: %s (its container was removed, and the volumes created for it just now); fix the service or its healthcheck in the compose file, then run again",
		e.Service, e.Reason)
	if p := strings.TrimSpace(e.Probe); p != "" {
		fmt.Fprintf(&b, "\nlast health probe (exit code %d):", e.ProbeExit)
		for _, l := range strings.Split(p, "\n") {
			b.WriteString("\n  " + l)
		}
	}
	if len(e.Logs) > 0 {
		fmt.Fprintf(&b, "\nlast log lines of %s:", e.Service)
		for _, l := range e.Logs {
			b.WriteString("\n  " + l)
		}
	} else {
		fmt.Fprintf(&b, "\n%s logged nothing", e.Service)
	}
	return b.String()
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
