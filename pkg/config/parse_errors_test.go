package config_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

func TestParseErrors(t *testing.T) {
	const known = "init, style, complexity, format, test, test-unit, test-functional, test-integration, security, security-sast, security-dependency-scan, run, watch, build, backup, upgrade, stop, destroy"
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		// TOML syntax, positioned by toml.ParseError.
		{"syntax: missing value", "name = \n", ".gazr.toml:1:8: expected value but found '\\n' instead"},
		{"syntax: duplicate key", "[verbs.build]\nrun = \"a\"\nrun = \"b\"\n", ".gazr.toml:3:1: Key 'verbs.build.run' has already been defined."},
		{"syntax: unterminated string", "[verbs.build]\nrun = \"make\n", ".gazr.toml:2:12: strings cannot contain newlines"},
		{"syntax: unclosed table header", "[verbs.build\nrun = 1\n", `.gazr.toml:1:13: expected '.' or ']' to end table name, but got '\n' instead`},
		{"syntax: bare value", "image = golang\n", `.gazr.toml:1:9: expected value but found "golang" instead`},
		{"syntax: after a byte-order mark", "\ufeff\nname = \"x\"\nimage = golang\n", `.gazr.toml:3:9: expected value but found "golang" instead`},
		{"syntax: after a multi-line string", "[verbs.build]\nrun = \"\"\"\na\nb\"\"\"\nimage = \n", `.gazr.toml:5:9: expected value but found '\n' instead`},

		// Unknown keys, with a suggestion when one is close.
		{"unknown top-level key", "imgae = \"x\"\n", `.gazr.toml:1:1: unknown key "imgae"; did you mean "image"?`},
		{"unknown top-level key, nothing close", "zzzzzz = 1\n", `.gazr.toml:1:1: unknown key "zzzzzz"`},
		{"unknown top-level table", "\n[verb.test]\nrun = \"x\"\n", `.gazr.toml:2:2: unknown key "verb"; did you mean "verbs"?`},
		{"unknown verb", "[verbs.tset-unit]\nrun = \"x\"\n", `.gazr.toml:1:8: unknown verb "tset-unit"; did you mean "test-unit"? (known: ` + known + `)`},
		{"unknown verb, nothing close", "[verbs.deploy-all]\n", `.gazr.toml:1:8: unknown verb "deploy-all" (known: ` + known + `)`},
		{"unknown verb in a dotted key", "name = \"x\"\nverbs.tset-unit.run = \"x\"\n", `.gazr.toml:2:7: unknown verb "tset-unit"; did you mean "test-unit"? (known: ` + known + `)`},
		{"unknown verb in a sub-table header", "[verbs.tset-unit.env]\nA = \"1\"\n", `.gazr.toml:1:8: unknown verb "tset-unit"; did you mean "test-unit"? (known: ` + known + `)`},
		{"unknown verb key", "[verbs.test-unit]\nrnu = \"x\"\n", `.gazr.toml:2:1: unknown key "rnu" in verbs.test-unit; did you mean "run"?`},
		{"unknown verb key in a dotted key", "verbs.test-unit.rnu = \"x\"\n", `.gazr.toml:1:17: unknown key "rnu" in verbs.test-unit; did you mean "run"?`},
		{"unknown verb key, quoted", "\"verbs\".\"test-unit\".'rnu' = \"x\"\n", `.gazr.toml:1:21: unknown key "rnu" in verbs.test-unit; did you mean "run"?`},
		// Found by FuzzParse: the locator did not resolve \b in a key.
		{"unknown quoted key with an escape", "\"\\b\" = \"\"\n", `.gazr.toml:1:1: unknown key "\b"`},
		{"unknown verb key in an inline table", "[verbs]\nbuild = { run = \"x\", imgae = \"y\" }\n", `.gazr.toml:2:22: unknown key "imgae" in verbs.build; did you mean "image"?`},
		{"unknown key after a multi-line string holding key text", "[verbs.test-unit]\nrun = [\n  \"\"\"\n  rnu = 1\n  \"\"\",\n]\nrnu = 2\n", `.gazr.toml:7:1: unknown key "rnu" in verbs.test-unit; did you mean "run"?`},

		// Globs, in doublestar's language.
		{"sources with an unclosed brace", "[verbs.build]\nsources = [\"go.mod\", \"**/*.{go,mod\"]\n", `.gazr.toml:2:1: verbs.build.sources: "**/*.{go,mod" is not a valid glob: a "[" or "{" is not closed`},
		{"generates with an unclosed class", "[verbs.build]\ngenerates = [\"bin/[!x\"]\n", `.gazr.toml:2:1: verbs.build.generates: "bin/[!x" is not a valid glob: a "[" or "{" is not closed`},
		{"warm not a duration", "[verbs.test-unit]\nwarm = \"ten minutes\"\n", `.gazr.toml:2:1: verbs.test-unit.warm "ten minutes" is not a duration (e.g. "15m", "1h"; "0" for none)`},
		{"warm negative", "[verbs.test-unit]\nwarm = \"-5m\"\n", `.gazr.toml:2:1: verbs.test-unit.warm "-5m" is not a duration (e.g. "15m", "1h"; "0" for none)`},
		{"warm too short", "[verbs.test-unit]\nwarm = \"500ms\"\n", `.gazr.toml:2:1: verbs.test-unit.warm "500ms" is shorter than 1s`},
		{"warm too long", "[verbs.test-unit]\nwarm = \"25h\"\n", `.gazr.toml:2:1: verbs.test-unit.warm "25h" is longer than 24h`},
		{"warm a number", "[verbs.test-unit]\nwarm = 600\n", `.gazr.toml:2:1: verbs.test-unit.warm must be a string, not an integer`},
		{"sources outside the project", "[verbs.build]\nsources = [\"../x/*.go\"]\n", `.gazr.toml:2:1: verbs.build.sources: "../x/*.go" must stay inside the project`},

		// Wrong types.
		{"run is an integer", "[verbs.test-unit]\nrun = 3\n", ".gazr.toml:2:1: verbs.test-unit.run must be a string or a list of strings, not an integer"},
		{"run holds an integer", "[verbs.test-unit]\nrun = [1]\n", ".gazr.toml:2:1: verbs.test-unit.run[0] must be a string, not an integer"},
		{"run holds a table", "[verbs.test-unit]\nrun = [\"a\", { b = 1 }]\n", ".gazr.toml:2:1: verbs.test-unit.run[1] must be a string, not a table"},
		{"run is empty", "[verbs.test-unit]\nrun = []\n", ".gazr.toml:2:1: verbs.test-unit.run: list of commands is empty"},
		{"env value is an integer, inline", "[verbs.test-unit]\nenv = { A = 1 }\n", `.gazr.toml:2:9: verbs.test-unit.env.A must be a string, not an integer (quote it: A = "…")`},
		{"env value is a boolean, table", "[verbs.test-unit.env]\nOK = \"1\"\nCI = true\n", `.gazr.toml:3:1: verbs.test-unit.env.CI must be a string, not a boolean (quote it: CI = "…")`},
		{"env value is a float", "[verbs.build]\nenv = { A = \"1\", PI = 3.14 }\n", `.gazr.toml:2:18: verbs.build.env.PI must be a string, not a float (quote it: PI = "…")`},
		{"env name is reserved", "[verbs.build]\nenv = { GAZR_ROOT = \"/\" }\n", `.gazr.toml:2:9: GAZR_ROOT: variables named GAZR_* are set by gazr itself; choose another name`},
		{"env holds environments, not variables", "env = { A = \"1\" }\n", `.gazr.toml:1:9: environment name "A" must be lower-case letters, digits, '-', '_' or '.'`},
		{"unknown env key", "[env.staging]\nregistyr = \"r\"\n", `.gazr.toml:2:1: unknown key "registyr" in env.staging; did you mean "registry"?`},
		{"unknown backend", "[env.staging]\nbackend = \"aws2\"\n", `.gazr.toml:2:1: unknown backend "aws2"; did you mean "aws"? (known: local, aws, proxmox)`},
		{"manager scheme", "[env.staging]\nmanager = \"10.0.0.1:2376\"\n", `.gazr.toml:2:1: env.staging.manager "10.0.0.1:2376" must start with unix://, ssh:// or tcp://`},
		{"bad timeout", "[env.staging]\ntimeout = \"5 minutes\"\n", `.gazr.toml:2:1: env.staging.timeout "5 minutes" is not a positive duration (e.g. "90s", "5m")`},
		{"schedule not an array of tables", "[env.staging]\nschedule = 3\n", `.gazr.toml:2:1: env.staging.schedule must be an array of tables ([[env.staging.schedule]] with cron = "0 7 * * 1-5" and replicas = { web = 25 }), not an integer`},
		{"schedule without replicas", "[[env.staging.schedule]]\ncron = \"0 7 * * *\"\n", `.gazr.toml:1:15: env.staging.schedule[0] has no replicas: how many of which service from then on (replicas = { web = 25 })?`},
		{"schedule without cron", "[[env.staging.schedule]]\nreplicas = { web = 3 }\n", `.gazr.toml:1:15: env.staging.schedule[0] has no cron: when does it apply?`},
		{"schedule bad cron", "[[env.staging.schedule]]\ncron = \"0 25 * * *\"\nreplicas = { web = 3 }\n", `.gazr.toml:1:15: env.staging.schedule[0].cron "0 25 * * *": the hour "25" must be 0-23`},
		{"schedule bad tz", "[[env.staging.schedule]]\ncron = \"0 7 * * *\"\ntz = \"Mars/Olympus\"\nreplicas = { web = 3 }\n", `.gazr.toml:1:15: env.staging.schedule[0].tz "Mars/Olympus" is not an IANA time zone ("Europe/Paris", "UTC")`},
		{"schedule negative replicas", "[[env.staging.schedule]]\ncron = \"0 7 * * *\"\nreplicas = { web = -1 }\n", `.gazr.toml:1:15: env.staging.schedule[0].replicas.web must be a whole number from 0 to 10000, not -1`},
		{"schedule workers", "[[env.staging.schedule]]\ncron = \"0 7 * * *\"\nworkers = 3\n", `.gazr.toml:1:15: env.staging.schedule[0].workers: the agent schedules services' replicas; the number of workers is scheduled where the machines run: schedule in [env.staging.aws] (the Auto Scaling group's scheduled actions)`},
		{"chaos every too often", "[env.staging.chaos]\nevery = \"1s\"\n", `.gazr.toml:2:1: env.staging.chaos.every "1s" is less than 10s: an experiment alone takes twice its baseline and its recovery`},
		{"chaos unknown experiment", "[env.staging.chaos]\nexperiments = [\"kill-tsak\"]\n", `.gazr.toml:2:1: env.staging.chaos.experiments: unknown experiment "kill-tsak"; did you mean "kill-task"? (known: kill-task, kill-node, drain-node)`},
		{"chaos bad window", "[env.staging.chaos]\nwindow = \"9-17\"\n", `.gazr.toml:2:1: env.staging.chaos.window: window "9-17": want [days] HH:MM-HH:MM with two different times, e.g. "Mon-Fri 09:00-17:00"`},
		{"unknown chaos key", "[env.staging.chaos]\nprobes = \"/\"\n", `.gazr.toml:2:1: unknown key "probes" in env.staging.chaos; did you mean "probe"?`},
		{"chaos probe not a path", "[env.staging.chaos]\nprobe = \"health\"\n", `.gazr.toml:2:1: env.staging.chaos.probe "health" must be a URL path starting with '/' (e.g. "/health")`},
		{"chaos rate 0", "[env.staging.chaos]\nrate = 0\n", `.gazr.toml:2:1: env.staging.chaos.rate must be between 1 and 1000 requests per second, not 0`},
		{"chaos not a table", "[env.staging]\nchaos = false\n", `.gazr.toml:2:1: env.staging.chaos must be a table ([env.staging.chaos]), not a boolean`},
		{"chaos bad bound", "[env.staging.chaos]\nmax_p99 = \"fast\"\n", `.gazr.toml:2:1: env.staging.chaos.max_p99 "fast" is not a positive duration (e.g. "90s", "5m")`},
		{"negative replicas", "[env.staging.replicas]\nweb = -1\n", `.gazr.toml:2:1: env.staging.replicas.web must be a whole number ≥ 0, not -1`},
		{"secret source", "[env.staging.secrets]\ndb = { path = \"x\" }\n", `.gazr.toml:2:8: env.staging.secrets.db must be { file = "path" } or { env = "VARIABLE" }`},
		{"env is not a table", "[verbs.test-unit]\nenv = \"A=1\"\n", ".gazr.toml:2:1: verbs.test-unit.env must be a table of strings, not a string"},
		{"env name is invalid", "[verbs.build]\nenv = { \"A B\" = \"1\" }\n", `.gazr.toml:2:9: "A B" is not a valid environment variable name`},
		{"caches is not a list", "[verbs.build]\ncaches = \"go-mod\"\n", ".gazr.toml:2:1: verbs.build.caches must be a list of strings, not a string"},
		{"caches holds an integer", "[verbs.build]\ncaches = [\"go-mod\", 2]\n", ".gazr.toml:2:1: verbs.build.caches[1] must be a string, not an integer"},
		{"verb is not a table", "[verbs]\ntest-unit = \"go test\"\n", ".gazr.toml:2:1: verbs.test-unit must be a table, not a string"},
		{"verb is not a table, inline", "verbs = { test-unit = 3 }\n", ".gazr.toml:1:11: verbs.test-unit must be a table, not an integer"},
		{"verbs is not a table", "verbs = [\"test\"]\n", ".gazr.toml:1:1: verbs must be a table of verb tables, not an array"},
		{"name is not a string", "name = 1\n", ".gazr.toml:1:1: name must be a string, not an integer"},
		{"image is a date", "image = 2024-01-01\n", ".gazr.toml:1:1: image must be a string, not a date or time"},
		{"description is a boolean", "[verbs.run]\ndescription = true\n", ".gazr.toml:2:1: verbs.run.description must be a string, not a boolean"},
		{"user is an integer", "[verbs.run]\nuser = 1000\n", ".gazr.toml:2:1: verbs.run.user must be a string, not an integer"},

		// Values.
		{"image is empty", "image = \" \"\n", ".gazr.toml:1:1: image must not be empty"},
		{"convention is empty", "convention = \"\"\n", ".gazr.toml:1:1: convention must not be empty"},
		{"verb image is empty", "[verbs.build]\nimage = \"\"\n", ".gazr.toml:2:1: verbs.build.image must not be empty"},
		{"workdir is empty", "[verbs.build]\nworkdir = \"\"\n", ".gazr.toml:2:1: verbs.build.workdir must not be empty"},
		{"run is an empty string", "[verbs.build]\nrun = \"\"\n", ".gazr.toml:2:1: verbs.build.run is empty: give the command to run, or remove the verb"},
		{"run has a blank command", "[verbs.build]\nrun = [\"make\", \"  \"]\n", ".gazr.toml:2:1: verbs.build.run[1] is empty: give the command to run, or remove it"},
		{"image is no reference", "image = \"UPPER case::bad\"\n", `.gazr.toml:1:1: image: "UPPER case::bad" is not a valid image reference (invalid reference format: repository name (library/UPPER case) must be lowercase): want name[:tag][@digest], e.g. "golang:1.26"`},
		{"verb image is no reference", "[verbs.build]\nimage = \"Golang:1\"\n", `.gazr.toml:2:1: verbs.build.image: "Golang:1" is not a valid image reference (invalid reference format: repository name (library/Golang) must be lowercase): want name[:tag][@digest], e.g. "golang:1.26"`},
		{"user with two colons", "[verbs.build]\nuser = \"a:b:c\"\n", `.gazr.toml:2:1: verbs.build.user "a:b:c" must be user or user:group (names or numeric ids, e.g. "1000:1000")`},
		{"resources cpus", "[env.prod.resources]\nweb = { cpus = \"lots\" }\n", `.gazr.toml:2:9: env.prod.resources.web.cpus "lots" is not a positive number of CPUs (e.g. "0.5")`},
		{"resources memory", "[env.prod.resources]\nweb = { memory = \"-1G\" }\n", `.gazr.toml:2:9: env.prod.resources.web.memory "-1G" is not a size (e.g. "256M")`},
		{"nesting too deep", "a = " + strings.Repeat("[", 65) + strings.Repeat("]", 65) + "\n", ".gazr.toml:1:69: nests deeper than 64 levels; gazr does not parse it"},
		{"workdir escapes the root", "[verbs.build]\nworkdir = \"../x\"\n", `.gazr.toml:2:1: verbs.build.workdir "../x" must be a path inside the project, relative to its root`},
		{"workdir is the parent", "[verbs.build]\nworkdir = \"..\"\n", `.gazr.toml:2:1: verbs.build.workdir ".." must be a path inside the project, relative to its root`},
		{"workdir escapes after cleaning", "[verbs.build]\nworkdir = \"a/../../x\"\n", `.gazr.toml:2:1: verbs.build.workdir "a/../../x" must be a path inside the project, relative to its root`},
		{"workdir is absolute", "[verbs.build]\nworkdir = \"/abs\"\n", `.gazr.toml:2:1: verbs.build.workdir "/abs" must be a path inside the project, relative to its root`},
		{"name has upper case", "name = \"MyApp\"\n", `.gazr.toml:1:1: name "MyApp" must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit`},
		{"name starts with a dash", "name = \"-x\"\n", `.gazr.toml:1:1: name "-x" must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit`},
		{"name is empty", "name = \"\"\n", `.gazr.toml:1:1: name "" must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse(".gazr.toml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse = %+v, nil; want error %q", cfg, tt.wantErr)
			}
			if got := err.Error(); got != tt.wantErr {
				t.Errorf("Parse error\n got: %s\nwant: %s", got, tt.wantErr)
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Errorf("Parse error is %T, want *config.Error", err)
			} else if ce.Path != ".gazr.toml" || ce.Pos.Line == 0 || ce.Pos.Col == 0 {
				t.Errorf("Parse error at %q %+v, want a full position in .gazr.toml", ce.Path, ce.Pos)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		in   *config.Error
		want string
	}{
		{"no path", &config.Error{Msg: "boom"}, "boom"},
		{"path only", &config.Error{Path: "a.toml", Msg: "boom"}, "a.toml: boom"},
		{"line only", &config.Error{Path: "a.toml", Pos: config.Position{Line: 3}, Msg: "boom"}, "a.toml:3: boom"},
		{"line and column", &config.Error{Path: "a.toml", Pos: config.Position{Line: 3, Col: 7}, Msg: "boom"}, "a.toml:3:7: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCommandsUnmarshalTOML(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		want    config.Commands
		wantErr string
	}{
		{name: "string", in: "make", want: config.Commands{"make"}},
		{name: "list", in: []any{"a", "b"}, want: config.Commands{"a", "b"}},
		{name: "empty list", in: []any{}, want: config.Commands{}},
		{name: "list of other", in: []any{"a", false}, wantErr: "run[1] must be a string, not a boolean"},
		{name: "table", in: map[string]any{}, wantErr: "run must be a string or a list of strings, not a table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got config.Commands
			err := got.UnmarshalTOML(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("UnmarshalTOML error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("UnmarshalTOML = %#v, want %#v", got, tt.want)
			}
		})
	}
}
