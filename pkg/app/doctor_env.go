package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/doctor"
)

// envChecks are the results of `gazr doctor --env <name>`: the env's
// backend checks what deploying there needs (Backend.Check), reported
// beside the local checks, one result per finding.
func envChecks(ctx context.Context, target func(string, swarmInit) (*Target, error), name string) []doctor.Result {
	prefix := "env " + name
	t, err := target(name, noInit) // a doctor changes nothing
	if err != nil {
		return []doctor.Result{{Name: prefix, Status: doctor.Fail, Detail: err.Error(),
			Fix: "correct [env." + name + "] in .gazr.toml, or choose another env (gazr doctor --env <name>)"}}
	}
	if !t.Backend.Properties().Check {
		return []doctor.Result{{Name: prefix, Status: doctor.Skipped, Detail: fmt.Sprintf("the %s backend has no checks", t.Backend.Name())}}
	}
	fs, err := t.Backend.Check(ctx)
	if errors.Is(err, deploy.ErrNotSupported) {
		return []doctor.Result{{Name: prefix, Status: doctor.Skipped, Detail: err.Error()}}
	}
	if err != nil {
		return []doctor.Result{{Name: prefix, Status: doctor.Fail, Detail: err.Error(), Fix: "run gazr doctor --env " + name + " again"}}
	}
	return findingResults(prefix, fs)
}

// findingResults are a backend's findings as the doctor's results, each
// named after prefix ("env staging"): gazr doctor --env and gazr cluster
// check report them alike.
func findingResults(prefix string, fs []deploy.Finding) []doctor.Result {
	rs := make([]doctor.Result, 0, len(fs))
	for _, f := range fs {
		rs = append(rs, doctor.Result{Name: prefix + " " + f.Name, Status: doctorStatus(f.Level), Detail: f.Detail, Fix: f.Fix})
	}
	return rs
}

func doctorStatus(l deploy.Level) doctor.Status {
	switch l {
	case deploy.OK:
		return doctor.OK
	case deploy.Warning:
		return doctor.Warn
	default:
		return doctor.Fail
	}
}
