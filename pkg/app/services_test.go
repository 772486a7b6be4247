package app

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/compose"
	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/sidecar"
)

// noServices is a Services dependency that must not be used.
func noServices(t *testing.T) func(context.Context) (sidecar.API, error) {
	return func(context.Context) (sidecar.API, error) {
		t.Error("Services called")
		return nil, errors.New("no engine in unit tests")
	}
}

const servicesConfig = `name = "shop"
image = "alpine:3.20"
[verbs.test-integration]
run = "go test -tags integration ./..."
services = ["db", "cache"]
`

const servicesCompose = "services:\n  db:\n    image: postgres:15\n  cache:\n    image: redis:7\n"

// TestVerbServicesBadInput: each mistake is one line, a config error
// (exit 2) with its position, found before any step or service starts and
// before the engine is reached, the same in a real run, a dry run and
// explain (runner.Validate in all three).
func TestVerbServicesBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // a regexp
		check func(t *testing.T, err error)
	}{
		{
			name:  "no compose file",
			files: map[string]string{".gazr.toml": servicesConfig},
			want: `^.*\.gazr\.toml:5:1: verb test-integration needs services "db", "cache" but the project has no compose file ` +
				`\(looked for compose\.yaml, compose\.yml, docker-compose\.yaml, docker-compose\.yml\): add one that defines them, or remove services from \[verbs\.test-integration\]$`,
		},
		{
			name:  "unknown service",
			files: map[string]string{".gazr.toml": strings.Replace(servicesConfig, `"cache"]`, `"cahce"]`, 1), "compose.yaml": servicesCompose},
			want:  `^.*\.gazr\.toml:5:1: verb test-integration: unknown service "cahce"; did you mean "cache"\? \(known in compose\.yaml: cache, db\)$`,
		},
		{
			name:  "broken compose file",
			files: map[string]string{".gazr.toml": servicesConfig, "compose.yaml": "services:\n  db:\n    image: postgres:15\n   bad: [\n"},
			want:  `^.*compose\.yaml:4:4: did not find expected key$`,
			check: func(t *testing.T, err error) {
				var ce *compose.Error
				if !errors.As(err, &ce) || ce.Line == 0 {
					t.Errorf("err = %v, want a *compose.Error with a line", err)
				}
			},
		},
		{
			name:  "invalid image of a service",
			files: map[string]string{".gazr.toml": servicesConfig, "compose.yaml": "services:\n  db:\n    image: postgres:15\n  cache:\n    image: \"Not A Valid:Image\"\n"},
			want:  `^.*compose\.yaml:5:5: service cache: invalid image reference "Not A Valid:Image" \(.*\): want name\[:tag\]\[@digest\], e\.g\. "postgres:17"$`,
			check: isComposeError,
		},
		{
			name:  "missing build context of a service",
			files: map[string]string{".gazr.toml": servicesConfig, "compose.yaml": "services:\n  db:\n    build: ./db\n  cache:\n    image: redis:7\n"},
			want:  `^.*compose\.yaml:3:5: service db: build: build context .*db does not exist$`,
			check: isComposeError,
		},
	}
	for _, tt := range tests {
		for _, path := range []string{"run", "dry run", "explain"} {
			t.Run(tt.name+"/"+path, func(t *testing.T) {
				dir := writeProject(t, tt.files)
				io, out, _ := iostreams.Test()
				var err error
				if path == "explain" {
					err = runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), Engine: noEngine(t), Verb: "test-integration"})
				} else {
					opts := &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), Services: noServices(t),
						Verb: "test-integration", DryRun: path == "dry run"}
					err = runVerb(context.Background(), opts)
				}
				if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
					t.Fatalf("err = %v\nwant match %s", err, tt.want)
				}
				if out.Len() > 0 {
					t.Errorf("printed a plan before failing:\n%s", out)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("message has several lines: %q", err)
				}
				if code := exitCode(iostreamsDiscard(), err, nil); code != ExitUsage {
					t.Errorf("exit code = %d, want %d", code, ExitUsage)
				}
				var cfgErr *config.Error
				if tt.check == nil && !errors.As(err, &cfgErr) {
					t.Errorf("err is a %T, want a *config.Error", err)
				}
				if tt.check != nil {
					tt.check(t, err)
				}
			})
		}
	}
}

func isComposeError(t *testing.T, err error) {
	var ce *compose.Error
	if !errors.As(err, &ce) || ce.Line == 0 || ce.Col == 0 {
		t.Errorf("err = %v, want a *compose.Error with a line and column", err)
	}
}

func TestExplainServices(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": servicesConfig, "compose.yaml": servicesCompose})
	io, out, _ := iostreams.Test()
	if err := runExplain(context.Background(), &ExplainOptions{IO: io, Project: loader(dir), Verb: "test-integration"}); err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, r := range rows(out.String()) {
		if r[0] == "services" {
			found = r
		}
	}
	if want := []string{"services", "db, cache (network gazr-shop)", ".gazr.toml:5"}; strings.Join(found, "|") != strings.Join(want, "|") {
		t.Errorf("services row = %q, want %q\n%s", found, want, out)
	}
}

func TestRunAppDryRun(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		names []string
		want  string // in stdout
		err   string
	}{
		{
			name:  "compose app",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    ports: [\"8080:80\"]\n    depends_on: [db]\n  db:\n    image: postgres:15\n", "Dockerfile": "FROM scratch\n"},
			want:  "service db\tpostgres:15\nservice web\tbuilt as shop/web:dev\tports 8080:80\n",
		},
		{
			name:  "one service and its dependencies",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: web\n    depends_on: [db]\n  db:\n    image: postgres:15\n  other:\n    image: x\n"},
			names: []string{"web"},
			want:  "service db\tpostgres:15\nservice web\tweb\n",
		},
		{
			name:  "unknown service",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: web\n"},
			names: []string{"wbe"},
			err:   `gazr run: unknown service "wbe"; did you mean "web"? (known in compose.yaml: web)`,
		},
		{
			name:  "[verbs.run] wins over the compose file",
			files: map[string]string{"compose.yaml": "services:\n  web:\n    image: web\n", ".gazr.toml": "image = \"alpine:3.20\"\n[verbs.run]\nrun = \"./serve\"\n"},
			want:  "step run",
		},
		{
			name:  "no compose file: the run verb",
			files: map[string]string{".gazr.toml": "image = \"alpine:3.20\"\n[verbs.run]\nrun = \"./serve\"\n"},
			names: []string{"web"},
			err:   `unexpected argument "web": gazr run runs the run verb here`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files
			if _, ok := files[".gazr.toml"]; !ok {
				files[".gazr.toml"] = "name = \"shop\"\nconvention = \"none\"\n"
			}
			dir := writeProject(t, files)
			io, out, _ := iostreams.Test()
			opts := &RunOptions{Names: tt.names, Verb: &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), Services: noServices(t), Verb: "run", DryRun: true}}
			err := runRun(context.Background(), opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				if code := exitCode(iostreamsDiscard(), err, nil); code != ExitUsage {
					t.Errorf("exit code = %d, want %d", code, ExitUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("stdout =\n%s\nwant %q", out, tt.want)
			}
		})
	}
}

func TestPrintRemoved(t *testing.T) {
	io, out, _ := iostreams.Test()
	printRemoved(io, "shop", sidecar.Removed{Containers: []string{"gazr-shop-cache", "gazr-shop-db"}, Networks: []string{"gazr-shop"}, KeptVolumes: []string{"shop_pg"}})
	want := "removed container gazr-shop-cache\nremoved container gazr-shop-db\nremoved network gazr-shop\nkept volume shop_pg\n"
	if out.String() != want {
		t.Errorf("output =\n%s\nwant\n%s", out, want)
	}
	out.Reset()
	printRemoved(io, "shop", sidecar.Removed{})
	if !strings.Contains(out.String(), "nothing to remove") {
		t.Errorf("empty output = %q", out)
	}
}
