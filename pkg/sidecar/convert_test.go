package sidecar

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// loadYAML writes compose.yaml (and files) into a temporary project
// directory and loads it as gazr does.
func loadYAML(t *testing.T, yaml string, files map[string]string) *types.Project {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files = withFile(files, "compose.yaml", yaml)
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := load(dir, "shop")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func withFile(files map[string]string, name, content string) map[string]string {
	out := map[string]string{name: content}
	for k, v := range files {
		out[k] = v
	}
	return out
}

var target = Target{Project: "shop", Network: "gazr-shop", Image: "postgres:15", ImageID: "sha256:1"}

func TestConvert(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		files   map[string]string
		target  Target
		check   func(t *testing.T, p *types.Project, s *Spec)
		wantErr string
	}{
		{
			name: "image, name, network alias, labels",
			yaml: "services:\n  db:\n    image: postgres:15\n    labels:\n      team: data\n      io.gazr.project: other\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "name", s.Create.Name, "gazr-shop-db")
				eq(t, "image", s.Create.Config.Image, "postgres:15")
				eq(t, "network mode", s.Create.HostConfig.NetworkMode, container.NetworkMode("gazr-shop"))
				eq(t, "aliases", s.Create.NetworkingConfig.EndpointsConfig["gazr-shop"].Aliases, []string{"db"})
				eq(t, "labels", s.Create.Config.Labels, map[string]string{"team": "data", "io.gazr.managed": "true",
					"io.gazr.project": "shop", "io.gazr.service": "db", "io.gazr.config-hash": s.Hash})
				eq(t, "healthcheck", s.Create.Config.Healthcheck, (*container.HealthConfig)(nil))
				eq(t, "cmd", s.Create.Config.Cmd, []string(nil))
			},
		},
		{
			name: "command, entrypoint, environment, env_file, .env, working_dir, user",
			yaml: "services:\n  db:\n    image: postgres:15\n    command: postgres -c fsync=off\n    entrypoint: [\"/entry\"]\n" +
				"    environment:\n      B: \"2\"\n      A: ${FROM_DOTENV}\n      BARE:\n    env_file: db.env\n    working_dir: /srv\n    user: \"999:999\"\n",
			files: map[string]string{".env": "FROM_DOTENV=dotenv\n", "db.env": "C=from-file\n"},
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				c := s.Create.Config
				eq(t, "cmd", c.Cmd, []string{"postgres", "-c", "fsync=off"})
				eq(t, "entrypoint", c.Entrypoint, []string{"/entry"})
				eq(t, "env", c.Env, []string{"A=dotenv", "B=2", "BARE", "C=from-file"})
				eq(t, "workdir", c.WorkingDir, "/srv")
				eq(t, "user", c.User, "999:999")
			},
		},
		{
			name: "ports and expose",
			yaml: "services:\n  db:\n    image: postgres:15\n    ports: [\"8080:80\", \"127.0.0.1:5433:5432\", \"9000\", \"53:53/udp\"]\n    expose: [\"7000\"]\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				p := network.MustParsePort
				eq(t, "exposed", s.Create.Config.ExposedPorts, network.PortSet{p("80/tcp"): {}, p("5432/tcp"): {}, p("9000/tcp"): {}, p("53/udp"): {}, p("7000/tcp"): {}})
				b := s.Create.HostConfig.PortBindings
				eq(t, "80", b[p("80/tcp")], []network.PortBinding{{HostPort: "8080"}})
				eq(t, "5432", b[p("5432/tcp")][0].HostIP.String()+":"+b[p("5432/tcp")][0].HostPort, "127.0.0.1:5433")
				eq(t, "9000 random", b[p("9000/tcp")], []network.PortBinding{{HostPort: ""}})
				eq(t, "udp", b[p("53/udp")], []network.PortBinding{{HostPort: "53"}})
				if _, ok := b[p("7000/tcp")]; ok {
					t.Error("expose published a port")
				}
			},
		},
		{
			name: "volumes: named, bind (created or not), anonymous, tmpfs",
			yaml: "services:\n  db:\n    image: postgres:15\n    volumes:\n      - data:/var/lib/data\n      - ./conf:/etc/conf:ro\n" +
				"      - type: bind\n        source: ./sock\n        target: /sock\n        bind:\n          create_host_path: false\n      - /cache\n      - type: tmpfs\n        target: /scratch\n        tmpfs:\n          size: 1048576\n" +
				"    tmpfs: [\"/run:size=64m\"]\nvolumes:\n  data:\n    labels:\n      kind: pg\n",
			check: func(t *testing.T, p *types.Project, s *Spec) {
				hc := s.Create.HostConfig
				eq(t, "binds", hc.Binds, []string{filepath.Join(p.WorkingDir, "conf") + ":/etc/conf:ro"})
				eq(t, "mounts", hc.Mounts, []mount.Mount{
					{Type: mount.TypeVolume, Source: "shop_data", Target: "/var/lib/data"},
					{Type: mount.TypeBind, Source: filepath.Join(p.WorkingDir, "sock"), Target: "/sock"},
					{Type: mount.TypeVolume, Source: "shop_db_cache", Target: "/cache"},
					{Type: mount.TypeTmpfs, Target: "/scratch", TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 1 << 20}},
				})
				eq(t, "tmpfs", hc.Tmpfs, map[string]string{"/run": "size=64m"})
				eq(t, "volumes", s.Volumes, []Volume{
					{Name: "shop_data", Labels: map[string]string{"kind": "pg", "io.gazr.managed": "true", "io.gazr.project": "shop", "io.gazr.volume": "data"}},
					{Name: "shop_db_cache", Labels: map[string]string{"io.gazr.managed": "true", "io.gazr.project": "shop", "io.gazr.volume": "db_cache"}},
				})
			},
		},
		{
			name:   "the image's VOLUMEs become named volumes unless mounted over",
			yaml:   "services:\n  db:\n    image: postgres:15\n    volumes: [\"./state:/state\"]\n",
			target: Target{Project: "shop", Network: "gazr-shop", Image: "postgres:15", ImageVolumes: []string{"/var/lib/postgresql/data", "/state/"}},
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "mounts", s.Create.HostConfig.Mounts, []mount.Mount{{Type: mount.TypeVolume, Source: "shop_db_var-lib-postgresql-data", Target: "/var/lib/postgresql/data"}})
				eq(t, "volume", s.Volumes[0].Name, "shop_db_var-lib-postgresql-data")
			},
		},
		{
			name: "external and explicitly named volumes",
			yaml: "services:\n  db:\n    image: postgres:15\n    volumes: [\"ext:/a\", \"named:/b\"]\nvolumes:\n  ext:\n    external: true\n  named:\n    name: pgdata\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "volumes", s.Volumes[0], Volume{Name: "ext", External: true})
				eq(t, "named", s.Volumes[1].Name, "pgdata")
			},
		},
		{
			name: "healthcheck with gazr's default interval",
			yaml: "services:\n  db:\n    image: postgres:15\n    healthcheck:\n      test: pg_isready\n      retries: 5\n      timeout: 3s\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "healthcheck", s.Create.Config.Healthcheck, &container.HealthConfig{Test: []string{"CMD-SHELL", "pg_isready"},
					Interval: DefaultHealthInterval, StartPeriod: DefaultHealthStartPeriod, Timeout: 3 * time.Second, Retries: 5})
			},
		},
		{
			name: "healthcheck interval, start_period",
			yaml: "services:\n  db:\n    image: postgres:15\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n      interval: 250ms\n      start_period: 10s\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "healthcheck", s.Create.Config.Healthcheck, &container.HealthConfig{Test: []string{"CMD", "pg_isready"},
					Interval: 250 * time.Millisecond, StartPeriod: 10 * time.Second})
			},
		},
		{
			name: "healthcheck disabled turns off the image's",
			yaml: "services:\n  db:\n    image: postgres:15\n    healthcheck:\n      disable: true\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "healthcheck", s.Create.Config.Healthcheck, &container.HealthConfig{Test: []string{"NONE"}})
			},
		},
		{
			name: "network aliases, restart, stop signal and grace, init, hostname",
			yaml: "services:\n  db:\n    image: postgres:15\n    networks:\n      default:\n        aliases: [database]\n" +
				"    restart: on-failure:3\n    stop_signal: SIGINT\n    stop_grace_period: 30s\n    init: true\n    hostname: pg\n    extra_hosts: [\"host.docker.internal:host-gateway\"]\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "aliases", s.Create.NetworkingConfig.EndpointsConfig["gazr-shop"].Aliases, []string{"db", "database"})
				eq(t, "restart", s.Create.HostConfig.RestartPolicy, container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3})
				eq(t, "stop signal", s.Create.Config.StopSignal, "SIGINT")
				eq(t, "stop timeout", *s.Create.Config.StopTimeout, 30)
				eq(t, "init", *s.Create.HostConfig.Init, true)
				eq(t, "hostname", s.Create.Config.Hostname, "pg")
				eq(t, "extra hosts", s.Create.HostConfig.ExtraHosts, []string{"host.docker.internal:host-gateway"})
			},
		},
		{
			name: "file secrets and configs are read-only binds",
			yaml: "services:\n  db:\n    image: postgres:15\n    secrets: [pw]\n    configs:\n      - source: conf\n        target: /etc/pg.conf\n" +
				"secrets:\n  pw:\n    file: ./pw.txt\nconfigs:\n  conf:\n    file: ./pg.conf\n",
			files: map[string]string{"pw.txt": "s3cret", "pg.conf": ""},
			check: func(t *testing.T, p *types.Project, s *Spec) {
				eq(t, "mounts", s.Create.HostConfig.Mounts, []mount.Mount{
					{Type: mount.TypeBind, Source: filepath.Join(p.WorkingDir, "pw.txt"), Target: "/run/secrets/pw", ReadOnly: true},
					{Type: mount.TypeBind, Source: filepath.Join(p.WorkingDir, "pg.conf"), Target: "/etc/pg.conf", ReadOnly: true},
				})
			},
		},
		{
			name: "limits",
			yaml: "services:\n  db:\n    image: postgres:15\n    deploy:\n      resources:\n        limits:\n          cpus: \"0.5\"\n          memory: 256m\n",
			check: func(t *testing.T, _ *types.Project, s *Spec) {
				eq(t, "memory", s.Create.HostConfig.Memory, int64(256<<20))
				eq(t, "cpus", s.Create.HostConfig.NanoCPUs, int64(5e8))
			},
		},
		{
			name: "network_mode is rejected",
			yaml: "services:\n  db:\n    image: postgres:15\n    network_mode: host\n",
			// A *compose.Error at the key's line: exit 2.
			wantErr: "compose.yaml:4:5: service db: network_mode: sidecars join the project's network",
		},
		{
			name:    "secrets from the environment are rejected",
			yaml:    "services:\n  db:\n    image: postgres:15\n    secrets: [pw]\nsecrets:\n  pw:\n    environment: PW\n",
			wantErr: `secrets: "pw": only secrets from a file are supported`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadYAML(t, tt.yaml, tt.files)
			tg := tt.target
			if tg.Project == "" {
				tg = target
			}
			s, err := Convert(p, "db", tg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p, s)
		})
	}
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v\nwant %#v", what, got, want)
	}
}

// TestHash checks that the hash changes with the definition and the
// image, and only with them.
func TestHash(t *testing.T) {
	base := "services:\n  db:\n    image: postgres:15\n    environment:\n      A: \"1\"\n      B: \"2\"\n    labels:\n      x: \"1\"\n      y: \"2\"\n"
	hashOf := func(yaml string, tg Target) string {
		s, err := Convert(loadYAML(t, yaml, nil), "db", tg)
		if err != nil {
			t.Fatal(err)
		}
		return s.Hash
	}
	h := hashOf(base, target)
	if h == "" || len(h) != 32 {
		t.Fatalf("hash = %q", h)
	}
	if again := hashOf(base, target); again != h {
		t.Errorf("same definition, hashes %s and %s", h, again)
	}
	reordered := "services:\n  db:\n    labels:\n      y: \"2\"\n      x: \"1\"\n    environment:\n      B: \"2\"\n      A: \"1\"\n    image: postgres:15\n"
	if got := hashOf(reordered, target); got != h {
		t.Errorf("reordered keys changed the hash: %s, want %s", got, h)
	}
	changes := map[string]string{
		"environment": strings.Replace(base, `A: "1"`, `A: "3"`, 1),
		"label":       strings.Replace(base, `x: "1"`, `x: "3"`, 1),
		"command":     base + "    command: [postgres, -c, fsync=off]\n",
	}
	for what, yaml := range changes {
		if got := hashOf(yaml, target); got == h {
			t.Errorf("changing the %s kept the hash", what)
		}
	}
	img := target
	img.ImageID = "sha256:2"
	if got := hashOf(base, img); got == h {
		t.Error("a new image ID kept the hash")
	}
}
