package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// stack is a converted stack of services named <ns>_<name>, web with a
// memory limit of its own.
func stack() *convert.Stack {
	web := swarm.ServiceSpec{Annotations: swarm.Annotations{Name: "shop-prod_web"}}
	web.TaskTemplate.Resources = &swarm.ResourceRequirements{Limits: &swarm.Limit{MemoryBytes: 1 << 20}}
	db := swarm.ServiceSpec{Annotations: swarm.Annotations{Name: "shop-prod_db"}}
	return &convert.Stack{Namespace: "shop-prod", Services: []swarm.ServiceSpec{web, db}}
}

func TestApplyResources(t *testing.T) {
	tests := []struct {
		name      string
		resources map[string]config.Resources
		want      map[string]swarm.Limit // by service name; nil limits read as zero
		wantErr   string
	}{
		{name: "none", want: map[string]swarm.Limit{"shop-prod_web": {MemoryBytes: 1 << 20}, "shop-prod_db": {}}},
		{
			name:      "cpus only: the compose file's memory limit stays",
			resources: map[string]config.Resources{"web": {CPUs: "0.5"}},
			want:      map[string]swarm.Limit{"shop-prod_web": {NanoCPUs: 5e8, MemoryBytes: 1 << 20}},
		},
		{
			name:      "both, on a service without limits",
			resources: map[string]config.Resources{"db": {CPUs: "2", Memory: "256M"}},
			want:      map[string]swarm.Limit{"shop-prod_db": {NanoCPUs: 2e9, MemoryBytes: 256 << 20}, "shop-prod_web": {MemoryBytes: 1 << 20}},
		},
		{name: "memory over the compose file's", resources: map[string]config.Resources{"web": {Memory: "1g"}},
			want: map[string]swarm.Limit{"shop-prod_web": {MemoryBytes: 1 << 30}}},
		{name: "no such service", resources: map[string]config.Resources{"cache": {CPUs: "1"}},
			wantErr: "env.prod.resources.cache: no such service in the compose file"},
		{name: "cpus not a number", resources: map[string]config.Resources{"web": {CPUs: "half"}},
			wantErr: `env.prod.resources.web.cpus "half" is not a positive number of CPUs`},
		{name: "cpus zero", resources: map[string]config.Resources{"web": {CPUs: "0"}},
			wantErr: `cpus "0" is not a positive number`},
		{name: "memory not a size", resources: map[string]config.Resources{"web": {Memory: "lots"}},
			wantErr: `env.prod.resources.web.memory "lots" is not a size`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := stack()
			err := applyResources(st, &config.Environment{Name: "prod", Resources: tt.resources})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st.Services {
				want, ok := tt.want[s.Name]
				if !ok {
					continue
				}
				var got swarm.Limit
				if r := s.TaskTemplate.Resources; r != nil && r.Limits != nil {
					got = *r.Limits
				}
				if got != want {
					t.Errorf("%s limits = %+v, want %+v", s.Name, got, want)
				}
			}
		})
	}
}

func TestSecretData(t *testing.T) {
	root := t.TempDir()
	write := func(path, content string) string {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write(filepath.Join(root, "db.txt"), "from the env's file")
	abs := write(filepath.Join(t.TempDir(), "abs.txt"), "from an absolute path")
	composeFile := write(filepath.Join(root, "compose-secret.txt"), "from the compose file")
	t.Setenv("GAZR_TEST_SECRET", "from gazr's environment")
	t.Setenv("GAZR_TEST_COMPOSE_SECRET", "from the compose environment")

	project := func(secrets types.Secrets) *types.Project { return &types.Project{Secrets: secrets} }
	env := func(sources map[string]config.SecretSource) *config.Environment {
		return &config.Environment{Name: "prod", Secrets: sources}
	}
	tests := []struct {
		name    string
		secrets types.Secrets
		sources map[string]config.SecretSource
		want    map[string]string
		wantErr string
	}{
		{name: "external: not read", secrets: types.Secrets{"ext": {External: true, File: "/nonexistent"}}, want: map[string]string{}},
		{name: "env's file, relative to the root", secrets: types.Secrets{"db": {}},
			sources: map[string]config.SecretSource{"db": {File: "db.txt"}}, want: map[string]string{"db": "from the env's file"}},
		{name: "env's file, absolute", secrets: types.Secrets{"db": {}},
			sources: map[string]config.SecretSource{"db": {File: abs}}, want: map[string]string{"db": "from an absolute path"}},
		{name: "env's source wins over the compose file's", secrets: types.Secrets{"db": {File: composeFile}},
			sources: map[string]config.SecretSource{"db": {Env: "GAZR_TEST_SECRET"}}, want: map[string]string{"db": "from gazr's environment"}},
		{name: "compose file's environment", secrets: types.Secrets{"api": {Environment: "GAZR_TEST_COMPOSE_SECRET"}},
			want: map[string]string{"api": "from the compose environment"}},
		{name: "compose file's file", secrets: types.Secrets{"api": {File: composeFile}},
			want: map[string]string{"api": "from the compose file"}},
		{name: "env's variable unset", secrets: types.Secrets{"db": {}},
			sources: map[string]config.SecretSource{"db": {Env: "GAZR_TEST_UNSET_SECRET"}},
			wantErr: "secret db: environment variable GAZR_TEST_UNSET_SECRET is not set (env.prod.secrets)"},
		{name: "env's file missing", secrets: types.Secrets{"db": {}},
			sources: map[string]config.SecretSource{"db": {File: "missing.txt"}}, wantErr: "(env.prod.secrets)"},
		{name: "compose file's file missing", secrets: types.Secrets{"db": {File: filepath.Join(root, "missing.txt")}},
			wantErr: "secret db: open "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := secretData(project(tt.secrets), root, env(tt.sources))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d secrets, want %d", len(got), len(tt.want))
			}
			for name, want := range tt.want {
				if string(got[name]) != want {
					t.Errorf("secret %s = %q, want %q", name, got[name], want)
				}
			}
		})
	}
}

func TestHasBuild(t *testing.T) {
	var db, web types.ServiceConfig
	db.Image = "postgres"
	web.Build = &types.BuildConfig{Context: "."}
	tests := []struct {
		name     string
		services types.Services
		want     bool
	}{
		{name: "no service", want: false},
		{name: "images only", services: types.Services{"db": db}, want: false},
		{name: "one built", services: types.Services{"db": db, "web": web}, want: true},
	}
	for _, tt := range tests {
		if got := HasBuild(&types.Project{Services: tt.services}); got != tt.want {
			t.Errorf("%s: HasBuild = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestVersionOf(t *testing.T) {
	svc := func(version string) swarm.Service {
		s := swarm.Service{Spec: swarm.ServiceSpec{Annotations: swarm.Annotations{Labels: map[string]string{}}}}
		if version != "" {
			s.Spec.Labels[convert.LabelVersion] = version
		}
		return s
	}
	tests := []struct {
		name     string
		services []swarm.Service
		want     string
	}{
		{name: "nothing deployed", want: ""},
		{name: "unlabelled services", services: []swarm.Service{svc(""), {}}, want: ""},
		{name: "the first labelled one", services: []swarm.Service{svc(""), svc("abc123"), svc("def456")}, want: "abc123"},
	}
	for _, tt := range tests {
		if got := versionOf(tt.services); got != tt.want {
			t.Errorf("%s: versionOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}
