package deploy

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// TestPullAuth: an image in the env's registry is pulled with the
// backend's credential, any other with the docker config's.
func TestPullAuth(t *testing.T) {
	dir := t.TempDir()
	other := base64.StdEncoding.EncodeToString([]byte("u:p"))
	config := `{"auths":{"other.example":{"auth":"` + other + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	reg := Registry{Host: "reg.example:5000", Auth: "backend-token"}
	tests := []struct {
		image string
		reg   Registry
		want  string // "" none, "backend-token", or "config"
	}{
		{"reg.example:5000/shop/web:v1", reg, "backend-token"},
		{"other.example/lib/db:15", reg, "config"},
		{"other.example/lib/db:15", Registry{}, "config"},
		{"postgres:15", reg, ""},
		{"?", reg, "backend-token"},
	}
	for _, tt := range tests {
		got, err := pullAuth(tt.image, tt.reg)
		if err != nil {
			t.Fatalf("pullAuth(%s): %v", tt.image, err)
		}
		kind := got
		if got != "" && got != "backend-token" {
			kind = "config"
		}
		if kind != tt.want {
			t.Errorf("pullAuth(%s) = %q, want %s", tt.image, got, tt.want)
		}
	}
}

// authSwarm records the X-Registry-Auth of each service create and
// update; its services are existing. A create of a one-off job fails
// once recorded, ending RunJob there. Other calls panic.
type authSwarm struct {
	SwarmAPI
	existing []swarm.Service
	clock    *clock
	// sent is "create <name> <auth>" or "update <name> <auth>", in order.
	sent []string
	// updateErr fails the updates, once recorded.
	updateErr error
}

func (s *authSwarm) ServiceList(context.Context, client.ServiceListOptions) (client.ServiceListResult, error) {
	return client.ServiceListResult{Items: s.existing}, nil
}

func (s *authSwarm) ServiceCreate(_ context.Context, o client.ServiceCreateOptions) (client.ServiceCreateResult, error) {
	s.sent = append(s.sent, "create "+o.Spec.Name+" "+o.EncodedRegistryAuth)
	s.clock.advance(time.Hour) // a slow manager: the credential ages
	if o.Spec.Labels["io.gazr.job"] != "" {
		return client.ServiceCreateResult{}, errors.New("no job today")
	}
	return client.ServiceCreateResult{ID: "id-" + o.Spec.Name}, nil
}

func (s *authSwarm) ServiceUpdate(_ context.Context, id string, o client.ServiceUpdateOptions) (client.ServiceUpdateResult, error) {
	s.sent = append(s.sent, "update "+o.Spec.Name+" "+o.EncodedRegistryAuth)
	s.clock.advance(time.Hour)
	return client.ServiceUpdateResult{}, s.updateErr
}

func imageSpec(name, image string) swarm.ServiceSpec {
	return swarm.ServiceSpec{Annotations: swarm.Annotations{Name: name, Labels: map[string]string{convert.LabelNamespace: "shop-prod"}},
		TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: image}}}
}

// TestApplyServicesCarryAuth: every create and update carries the
// credential the nodes pull with — the registry's, renewed once it
// expires, for its images; none for a public image — and an unchanged
// service is not touched.
func TestApplyServicesCarryAuth(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credential for docker.io
	key := []byte("key")
	same := imageSpec("shop-prod_db", "postgres:16")
	Stamp(key, &same)
	clk := &clock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	api := &authSwarm{clock: clk, existing: []swarm.Service{
		{ID: "web1", Spec: imageSpec("shop-prod_web", "reg.example/shop/web:v1")},
		{ID: "db1", Spec: same},
	}}
	st := &convert.Stack{Namespace: "shop-prod", Services: []swarm.ServiceSpec{
		imageSpec("shop-prod_web", "reg.example/shop/web:v2"),
		imageSpec("shop-prod_db", "postgres:16"),
		imageSpec("shop-prod_api", "reg.example/shop/api:v2"),
		imageSpec("shop-prod_cache", "redis:7"),
	}}
	b := newTokenBackend(clk, Properties{RegistryExpires: true})
	reg, err := NewRegistrySession(t.Context(), b, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	targets, err := ApplyServices(t.Context(), api, st, key, reg, false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"update shop-prod_web token-1", "create shop-prod_api token-2", "create shop-prod_cache "}
	if strings.Join(api.sent, "; ") != strings.Join(want, "; ") {
		t.Errorf("sent:\n%q\nwant\n%q", api.sent, want)
	}
	if len(targets) != 3 {
		t.Errorf("%d targets, want 3 (db is unchanged)", len(targets))
	}
}

// TestJobCarriesAuth: the one-off job of a hook (upgrade, backup) is
// created with the registry's credential too: it may land on a node that
// lacks the new image.
func TestJobCarriesAuth(t *testing.T) {
	clk := &clock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	api := &authSwarm{clock: clk}
	b := newTokenBackend(clk, Properties{RegistryExpires: true})
	reg, err := NewRegistrySession(t.Context(), b, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Hour) // a long build: the credential expired
	var web types.ServiceConfig
	web.Build = &types.BuildConfig{Context: "."}
	proj := &types.Project{Services: types.Services{"web": web}}
	st := &convert.Stack{Namespace: "shop-prod", Services: []swarm.ServiceSpec{imageSpec("shop-prod_web", "reg.example/shop/web:v2")}}
	o := Options{Env: &config.Environment{Name: "prod", Timeout: time.Minute}, Out: io.Discard}
	err = runHook(t.Context(), o, api, proj, st, &Hook{Verb: "upgrade", Script: "migrate"}, reg)
	if err == nil || !strings.Contains(err.Error(), "no job today") {
		t.Fatalf("runHook = %v, want the fake's create error", err)
	}
	if len(api.sent) != 1 || !strings.HasSuffix(api.sent[0], " token-2") {
		t.Errorf("job created with %q, want the renewed token-2", api.sent)
	}
}

// TestScaleCarriesAuth: scaling a service is an update that carries the
// registry's credential, renewed when it expired, so that a new task can
// pull the image on a node that lacks it.
func TestScaleCarriesAuth(t *testing.T) {
	clk := &clock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	one := uint64(1)
	web := imageSpec("shop-prod_web", "reg.example/shop/web:v1")
	web.Mode.Replicated = &swarm.ReplicatedService{Replicas: &one}
	api := struct {
		*authSwarm
		*fakeConfigs
	}{&authSwarm{clock: clk, existing: []swarm.Service{{ID: "web1", Spec: web}}, updateErr: errors.New("stop here")}, newFakeConfigs()}
	b := newTokenBackend(clk, Properties{RegistryExpires: true})
	reg, err := NewRegistrySession(t.Context(), b, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(13 * time.Hour) // the deploy's token has expired
	err = Scale(t.Context(), api, "shop-prod", map[string]uint64{"web": 3}, reg, time.Minute, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "stop here") {
		t.Fatalf("Scale = %v, want the fake's update error", err)
	}
	if want := []string{"update shop-prod_web token-2"}; strings.Join(api.sent, ",") != strings.Join(want, ",") {
		t.Errorf("sent %q, want %q", api.sent, want)
	}
}
