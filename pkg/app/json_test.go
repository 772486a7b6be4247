package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/plan"
)

// decodeJSON decodes out, which must hold exactly one JSON object, into
// v, refusing fields v does not have: the output's shape is v's.
func decodeJSON(t *testing.T, out *bytes.Buffer, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value:\n%s", out)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil || m["format_version"] != 1.0 {
		t.Errorf("format_version = %v (%v), want 1", m["format_version"], err)
	}
}

func TestRunListJSON(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, out, errOut := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir), JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got plan.VerbList
	decodeJSON(t, out, &got)
	want := plan.VerbList{FormatVersion: 1, Project: "shop", Root: dir, Verbs: []plan.VerbInfo{
		{Verb: "test", Kind: plan.KindGroup, Commands: []string{}, Members: []string{"test-unit", "test-integration"}, From: "group"},
		{Verb: "test-unit", Kind: plan.KindStep, Commands: []string{"go vet ./...", "go test ./..."}, Image: "alpine:3.20", From: ".gazr.toml:6"},
		{Verb: "test-integration", Kind: plan.KindStep, Commands: []string{"make db\ngo test -tags integration ./..."}, Image: "golang:1.26", From: ".gazr.toml:12"},
		{Verb: "build", Kind: plan.KindStep, Commands: []string{"go build ./..."}, Image: "alpine:3.20", From: ".gazr.toml:17"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("list --json =\n%s\ngot  %+v\nwant %+v", out, got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", errOut)
	}
	// An empty list is [], never null, and && is not escaped.
	if strings.Contains(out.String(), "[]string(nil)") || strings.Contains(out.String(), `"commands": null`) || strings.Contains(out.String(), `\u0026`) {
		t.Errorf("list --json has a null or an escaped &:\n%s", out)
	}
}

// TestRunListJSONConvention: the convention is named, an undefined verb
// says why, a step's deps are listed.
func TestRunListJSONConvention(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{
		"go.mod":     "module example.com/shop\n",
		".gazr.toml": "[verbs.test-integration]\nrun = \"go test ./...\"\ndeps = [\"build\"]\ndescription = \"the slow tests\"\n",
	})
	io, out, _ := iostreams.Test()
	if err := runList(context.Background(), &ListOptions{IO: io, Project: loader(dir), JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got plan.VerbList
	decodeJSON(t, out, &got)
	if got.Convention == nil || *got.Convention != (plan.ConventionInfo{Name: "go", DetectedBy: "go.mod"}) {
		t.Errorf("convention = %+v, want go detected by go.mod", got.Convention)
	}
	byVerb := map[string]plan.VerbInfo{}
	for _, v := range got.Verbs {
		byVerb[v.Verb] = v
	}
	if v := byVerb["upgrade"]; v.Kind != plan.KindUndefined || v.Reason != "convention go does not define it" {
		t.Errorf("upgrade = %+v, want undefined with its reason", v)
	}
	if v := byVerb["test-integration"]; v.Description != "the slow tests" || !reflect.DeepEqual(v.After, []string{"build"}) {
		t.Errorf("test-integration = %+v, want its description and after [build]", v)
	}
}

func TestRunExplainJSON(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig +
		"\n[verbs.style]\nrun = \"golangci-lint run\"\nsources = [\"**/*.go\"]\n"})
	io, out, errOut := iostreams.Test()
	err := runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), Verb: "test-unit",
		Args: []string{"-run", "Test X"}, JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	var got plan.Explanation
	decodeJSON(t, out, &got)
	if got.Verb != "test-unit" || got.Project != "shop" || got.Root != dir || got.Config != filepath.Join(dir, ".gazr.toml") || got.Convention != nil || len(got.Steps) != 1 {
		t.Fatalf("explain --json = %+v", got)
	}
	s := got.Steps[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"image", s.Image, plan.Value{Value: "alpine:3.20", Origin: ".gazr.toml:2"}},
		{"commands", s.Commands, plan.Values{Values: []string{"go vet ./...", "go test ./..."}, Origin: ".gazr.toml:6"}},
		{"args", s.Args, []string{"-run", "Test X"}},
		{"workdir", s.Workdir, plan.Value{Value: dir + "/api", Origin: ".gazr.toml:7"}},
		{"mounts", s.Mounts, []plan.Mount{{Source: dir, Target: dir, Origin: "project root"}}},
		{"env CGO_ENABLED", s.Env[1], plan.EnvVar{Name: "CGO_ENABLED", Value: "0", Origin: ".gazr.toml:8"}},
		{"prelude", s.Prelude, (*plan.Value)(nil)},
		{"verdict", s.Verdict, (*plan.Verdict)(nil)},
		{"sources", s.Sources.Values, []string{}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.what, c.got, c.want)
		}
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", errOut)
	}

	// A step with sources gets a verdict: unknown without an engine.
	io, out, _ = iostreams.Test()
	err = runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), Verb: "style", JSON: true,
		Engine: func(context.Context) (container.StepAPI, error) { return nil, errors.New("no engine (fake)") }})
	if err != nil {
		t.Fatal(err)
	}
	got = plan.Explanation{}
	decodeJSON(t, out, &got)
	if v := got.Steps[0].Verdict; v == nil || v.Would != plan.VerdictUnknown || !strings.Contains(v.Reason, "no engine (fake)") {
		t.Errorf("verdict = %+v, want unknown, saying why", v)
	}
}

// TestRunDoctorJSON: the report is JSON on stdout, and a failed check
// still fails the command (exit 1) with its one line on stderr.
func TestRunDoctorJSON(t *testing.T) {
	quiet(t)
	dir := writeProject(t, map[string]string{"go.mod": "module x\n"})
	io, out, errOut := iostreams.Test()
	err := runDoctor(context.Background(), &DoctorOptions{IO: io, Project: loader(dir), Compose: devCompose, JSON: true,
		Engine: func() (doctor.API, error) { return nil, errors.New("unable to parse docker host `x`") }})
	if err == nil || exitCode(iostreamsDiscard(), err, nil) != ExitError {
		t.Fatalf("err = %v, want exit 1", err)
	}
	var got doctor.Report
	decodeJSON(t, out, &got)
	want := doctor.Result{Name: "engine", Status: doctor.Fail, Detail: "unable to parse docker host `x`",
		Fix: "set DOCKER_HOST to the engine's address (e.g. unix:///var/run/docker.sock), or unset it"}
	if got.OK || got.Failed != 1 || len(got.Checks) != 2 || got.Checks[0].Status != doctor.OK || got.Checks[1] != want {
		t.Errorf("doctor --json = %+v", got)
	}
	if !strings.Contains(out.String(), `"status": "fail"`) || errOut.Len() != 0 {
		t.Errorf("stdout:\n%s\nstderr %q: want statuses as words, nothing on stderr (the error is returned)", out, errOut)
	}
}

// reportSwarm is a swarm manager with one service, its tasks and one
// history record.
type reportSwarm struct {
	emptySwarm
	record deploy.Record
}

func (s *reportSwarm) ServiceList(context.Context, client.ServiceListOptions) (client.ServiceListResult, error) {
	svc := swarm.Service{ID: "s1", Spec: swarm.ServiceSpec{Annotations: swarm.Annotations{Name: "shop-staging_web",
		Labels: map[string]string{convert.LabelVersion: "v1.2.0", convert.LabelRouteHost: "shop.localhost"}},
		TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: "registry.example/shop/web:v1.2.0@sha256:ab"}}},
		ServiceStatus: &swarm.ServiceStatus{RunningTasks: 3, DesiredTasks: 3},
		UpdateStatus:  &swarm.UpdateStatus{State: swarm.UpdateStateCompleted}}
	return client.ServiceListResult{Items: []swarm.Service{svc}}, nil
}

func (s *reportSwarm) TaskList(context.Context, client.TaskListOptions) (client.TaskListResult, error) {
	running := swarm.Task{Status: swarm.TaskStatus{State: swarm.TaskStateRunning}}
	return client.TaskListResult{Items: []swarm.Task{running, running}}, nil
}

func (s *reportSwarm) ConfigList(context.Context, client.ConfigListOptions) (client.ConfigListResult, error) {
	data, err := json.Marshal(s.record)
	if err != nil {
		return client.ConfigListResult{}, err
	}
	return client.ConfigListResult{Items: []swarm.Config{{Spec: swarm.ConfigSpec{Data: data}}}}, nil
}

func TestRunStatusJSON(t *testing.T) {
	ts := newTargets(t, shopToml)
	ts.api = &reportSwarm{}
	io, out, errOut := iostreams.Test()
	if err := runStatus(t.Context(), &StatusOptions{IO: io, Target: ts.load, Env: "staging", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got deploy.StatusReport
	decodeJSON(t, out, &got)
	want := deploy.StatusReport{FormatVersion: 1, Env: "staging", Namespace: "shop-staging", Services: []deploy.ServiceReport{{
		ServiceStatus: deploy.ServiceStatus{Name: "shop-staging_web", Version: "v1.2.0", Image: "registry.example/shop/web:v1.2.0", Running: 2, Desired: 3,
			Update: "completed", URL: "http://shop.localhost"}, Health: "degraded"}}}
	if !reflect.DeepEqual(got, want) || errOut.Len() != 0 {
		t.Errorf("status --json =\n%s\ngot %+v\nwant %+v\nstderr %q", out, got, want, errOut)
	}

	// Before the first deploy: no services, [] rather than null.
	ts = newTargets(t, shopToml)
	io, out, _ = iostreams.Test()
	if err := runStatus(t.Context(), &StatusOptions{IO: io, Target: ts.load, Env: "staging", JSON: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"services": []`) {
		t.Errorf("status --json without services:\n%s", out)
	}
}

func TestRunHistoryJSON(t *testing.T) {
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	rec := deploy.Record{Namespace: "shop-staging", Kind: "deploy", Version: "v2", Previous: "v1", By: "ana", At: at,
		Duration: "41.2s", Result: "succeeded", Services: []swarm.ServiceSpec{{Annotations: swarm.Annotations{Name: "shop-staging_web"}}}}
	ts := newTargets(t, shopToml)
	ts.api = &reportSwarm{record: rec}
	io, out, _ := iostreams.Test()
	if err := runHistory(t.Context(), &HistoryOptions{IO: io, Target: ts.load, Env: "staging", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got deploy.HistoryReport
	decodeJSON(t, out, &got)
	want := deploy.HistoryReport{FormatVersion: 1, Env: "staging", Namespace: "shop-staging", Records: []deploy.HistoryEntry{
		{Kind: "deploy", Version: "v2", Previous: "v1", By: "ana", At: at, Duration: "41.2s", Result: "succeeded"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("history --json =\n%s\ngot %+v\nwant %+v", out, got, want)
	}
}
