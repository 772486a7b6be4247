package app

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/doctor"
)

// TestEnvChecks: `gazr doctor --env` reports the backend's findings with
// their fixes, graded as the doctor's own checks, built without swarm
// init; a backend without checks is skipped, an unknown env fails.
func TestEnvChecks(t *testing.T) {
	ts := newTargets(t, shopToml)
	ts.props = deploy.Properties{Check: true}
	ts.finds = []deploy.Finding{
		{Name: "engine", Level: deploy.OK, Detail: "answers"},
		{Name: "swarm", Level: deploy.Warning, Detail: "in no swarm", Fix: "gazr deploy"},
		{Name: "registry", Level: deploy.Failure, Detail: "none", Fix: "set registry"},
	}
	got := envChecks(t.Context(), ts.load, "staging")
	want := []doctor.Result{
		{Name: "env staging engine", Status: doctor.OK, Detail: "answers"},
		{Name: "env staging swarm", Status: doctor.Warn, Detail: "in no swarm", Fix: "gazr deploy"},
		{Name: "env staging registry", Status: doctor.Fail, Detail: "none", Fix: "set registry"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("envChecks =\n%+v\nwant\n%+v", got, want)
	}
	ts.wantInit(false)

	ts = newTargets(t, shopToml)
	if got := envChecks(t.Context(), ts.load, "staging"); len(got) != 1 || got[0].Status != doctor.Skipped {
		t.Errorf("backend without Check: %+v, want one skipped result", got)
	}
	got = envChecks(t.Context(), ts.load, "stagin")
	if len(got) != 1 || got[0].Status != doctor.Fail || !strings.Contains(got[0].Detail, `did you mean "staging"?`) || got[0].Fix == "" {
		t.Errorf("unknown env: %+v, want one failure suggesting staging, with a fix", got)
	}
}
