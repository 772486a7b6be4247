package aws

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsmem"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// TestRegistryCache: the ECR login is reused until 5 minutes before it
// expires, then renewed; its Auth is what the Engine API takes.
func TestRegistryCache(t *testing.T) {
	e := newBed(t, 1, 0)
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	e.cloud.Now = func() time.Time { return now }
	e.b.now = func() time.Time { return now }
	r1, err := e.b.Registry(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if r1.Host != "123456789012.dkr.ecr.eu-west-3.amazonaws.com" || !r1.Expires.Equal(now.Add(12*time.Hour)) {
		t.Errorf("Registry = %+v", r1)
	}
	raw, _ := base64.URLEncoding.DecodeString(r1.Auth)
	var auth map[string]string
	if err := json.Unmarshal(raw, &auth); err != nil || auth["username"] != "AWS" || auth["password"] != "token-1" || auth["serveraddress"] != r1.Host {
		t.Errorf("Auth %s: %v", raw, err)
	}
	now = now.Add(11*time.Hour + 54*time.Minute)
	if r, _ := e.b.Registry(ctx(t)); r != r1 || e.cloud.Logins != 1 {
		t.Errorf("6 min before expiry: %d logins, want the cached one", e.cloud.Logins)
	}
	now = now.Add(2 * time.Minute)
	if r, _ := e.b.Registry(ctx(t)); r.Auth == r1.Auth || e.cloud.Logins != 2 {
		t.Errorf("4 min before expiry: %d logins, want a new one", e.cloud.Logins)
	}
	p := e.b.Properties()
	if !p.NeedsRegistry || !p.RegistryExpires || !p.EnsureRepository {
		t.Errorf("Properties with ECR: %+v", p)
	}
}

// TestRegistryOther: a registry that is not ECR is used as the local
// backend uses it (the env's own key first); repositories are not its
// business.
func TestRegistryOther(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	for _, env := range []config.Environment{
		{Name: "s", Registry: "registry.example:5000", AWS: &config.AWS{Registry: "ecr"}},
		{Name: "s", AWS: &config.AWS{Registry: "registry.example:5000"}},
	} {
		cloud := &awsmem.Cloud{}
		b, err := NewWith(deploy.BackendOptions{Env: &env}, cloud)
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.Registry(ctx(t))
		if err != nil || r.Host != "registry.example:5000" || !r.Expires.IsZero() || len(cloud.Calls) != 0 {
			t.Errorf("Registry = %+v, %v (%d calls)", r, err, len(cloud.Calls))
		}
		if err := b.EnsureRepository(ctx(t), "shop/web"); !errors.Is(err, deploy.ErrNotSupported) {
			t.Errorf("EnsureRepository: %v", err)
		}
		if p := b.Properties(); p.RegistryExpires || p.EnsureRepository || !p.NeedsRegistry {
			t.Errorf("Properties: %+v", p)
		}
	}
}

func TestEnsureRepository(t *testing.T) {
	e := newBed(t, 1, 0)
	for range 2 {
		if err := e.b.EnsureRepository(ctx(t), "shop/web"); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(e.log.String(), "created ECR repository shop/web"); n != 1 {
		t.Errorf("log says created %d times", n)
	}
}

// TestSchedule: ApplySchedule writes the env's schedule, a second call
// changes nothing, Schedule lists gazr's and keeps others'.
func TestSchedule(t *testing.T) {
	e := newBed(t, 1, 1)
	e.cloud.Workers.Scheduled = []awsproto.ScheduledAction{{Name: "ops-weekend", Recurrence: "0 0 * * 6", Desired: 0}}
	e.b.env.AWS.Schedule = []config.Schedule{{Cron: "0 7 * * 1-5", Workers: 5, TZ: "Europe/Paris"}, {Cron: "0 20 * * 1-5", Workers: 1, TZ: "Europe/Paris"}}
	changes, err := e.b.ApplySchedule(ctx(t))
	if err != nil || len(changes) != 2 {
		t.Fatalf("ApplySchedule = %q, %v", changes, err)
	}
	if again, err := e.b.ApplySchedule(ctx(t)); err != nil || len(again) != 0 {
		t.Errorf("ApplySchedule again = %q, %v", again, err)
	}
	got, err := e.b.Schedule(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
		if c.Managed != strings.HasPrefix(c.Name, "gazr-") || (c.Managed && c.Next.IsZero()) {
			t.Errorf("change %+v", c)
		}
	}
	if s := strings.Join(names, " "); s != "ops-weekend gazr-1 gazr-2" {
		t.Errorf("Schedule lists %s", s)
	}
	if f, ok := e.b.scheduleFinding(e.cloud.Workers); !ok || f.Level != deploy.OK {
		t.Errorf("schedule finding in force: %+v", f)
	}
	e.b.env.AWS.Schedule[1].Workers = 2
	if f, _ := e.b.scheduleFinding(e.cloud.Workers); f.Level != deploy.Warning || !strings.Contains(f.Detail, "2 workers at 0 20 * * 1-5 (Europe/Paris) missing, gazr-2 not in the config") || f.Fix != "gazr cluster apply --env staging" {
		t.Errorf("schedule finding, changed: %+v", f)
	}
}
