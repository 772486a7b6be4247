package deploy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/swarm"
)

func TestSensitiveName(t *testing.T) {
	for name, want := range map[string]bool{
		"API_TOKEN": true, "DB_PASSWORD": true, "db-password": true, "stripe.secret": true, "AWS_SECRET_ACCESS_KEY": true,
		"GITHUB_TOKEN": true, "apikey": true, "PORT": false, "DATABASE_URL": false, "LOG_LEVEL": false, "TOKENIZER_MODEL": true,
	} {
		if got := sensitiveName(name); got != want {
			t.Errorf("sensitiveName(%q) = %v, want %v", name, got, want)
		}
	}
}

func redactSpec(name string, env []string, args []string, labels map[string]string) swarm.ServiceSpec {
	return swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: name, Labels: map[string]string{"io.gazr.version": "v1"}},
		TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{
			Image: "shop/web:v1", Env: env, Args: args, Labels: labels,
			Healthcheck: &container.HealthConfig{Test: []string{"CMD", "check", "--password=" + "s3cr3t-pw"}},
		}},
	}
}

// TestRedactSpecs: the history holds no secret value (issue 9: API_TOKEN
// and an interpolated password were stored in plaintext), and a rollback
// gets them back from the running services.
func TestRedactSpecs(t *testing.T) {
	const token, pw, secretFile = "tok-0123456789", "s3cr3t-pw", "file-secret-content"
	values := []string{pw, secretFile}
	in := []swarm.ServiceSpec{redactSpec("shop_web",
		[]string{"API_TOKEN=" + token, "DATABASE_URL=postgres://app:" + pw + "@db/app", "PORT=8080", "COPY=" + secretFile},
		[]string{"--db-pass", pw}, map[string]string{"vendor.password": "x", "team": "web"})}
	before, _ := json.Marshal(in)
	got, err := redactSpecs(in, values)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(in)
	if string(before) != string(after) {
		t.Error("redactSpecs changed its input: the services must keep their values")
	}
	b, _ := json.Marshal(got)
	for _, v := range []string{token, pw, secretFile} {
		if strings.Contains(string(b), v) {
			t.Errorf("redacted specs still hold %q: %s", v, b)
		}
	}
	cs := got[0].TaskTemplate.ContainerSpec
	wantEnv := []string{"API_TOKEN=" + Redacted, "DATABASE_URL=" + Redacted, "PORT=8080", "COPY=" + Redacted}
	if strings.Join(cs.Env, " ") != strings.Join(wantEnv, " ") {
		t.Errorf("env = %q, want %q", cs.Env, wantEnv)
	}
	if cs.Labels["team"] != "web" || cs.Labels["vendor.password"] != Redacted || got[0].Labels["io.gazr.version"] != "v1" {
		t.Errorf("labels = %v, %v", cs.Labels, got[0].Labels)
	}

	// Rollback: the running service has the values (the same secrets).
	running := []swarm.Service{{Spec: in[0]}}
	back, err := unredact(got, running)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(back); string(b) != string(before) {
		t.Errorf("unredact = %s\nwant          %s", b, before)
	}
	// A service the history redacted and that no longer runs cannot be
	// restored: say so rather than apply the placeholder.
	if _, err := unredact(got, nil); err == nil || !strings.Contains(err.Error(), "redacted in the history") {
		t.Errorf("unredact without running services = %v, want an error", err)
	}
}
