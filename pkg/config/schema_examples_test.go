package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tomlBlock is a ```toml fence of Markdown, possibly indented (inside a
// list item): its indentation and its content.
var tomlBlock = regexp.MustCompile("(?ms)^( *)```toml\n(.*?)\n *```")

// TestSchemaExamples: every TOML example of the README and docs/ (whose
// reference, docs/configuration.md, shows Taplo's directive), every
// valid configuration of the golden tests, what gazr init writes and
// gazr's own .gazr.toml load and pass docs/gazr.schema.json alike, so the
// schema accepts what the loader accepts.
func TestSchemaExamples(t *testing.T) {
	sch := compileSchema(t)
	examples := map[string]string{} // "file:line" → content
	directive := false              // the reference shows Taplo's #:schema line
	docs := []string{"../../README.md"}
	err := filepath.WalkDir("../../docs", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			docs = append(docs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if doc == "../../docs/configuration.md" {
			directive = strings.Contains(string(data), "#:schema "+SchemaURL)
		}
		for _, m := range tomlBlock.FindAllStringSubmatchIndex(string(data), -1) {
			indent, body := string(data[m[2]:m[3]]), string(data[m[4]:m[5]])
			var lines []string
			for _, l := range strings.Split(body, "\n") {
				lines = append(lines, strings.TrimPrefix(l, indent))
			}
			line := 2 + strings.Count(string(data[:m[0]]), "\n")
			examples[doc+":"+itoa(line)] = strings.Join(lines, "\n") + "\n"
		}
	}
	if !directive {
		t.Errorf("docs/configuration.md does not show Taplo's directive with config.SchemaURL (#:schema %s)", SchemaURL)
	}
	if len(examples) < 5 {
		t.Fatalf("found %d TOML examples in the docs, expected the README's and docs/'s", len(examples))
	}
	files, _ := filepath.Glob("testdata/*.toml")
	more, _ := filepath.Glob("../onboard/testdata/*.gazr.toml")
	files = append(append(files, more...), "../../.gazr.toml")
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "err-") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		examples[f] = string(data)
	}
	t.Logf("%d examples", len(examples))
	for where, text := range examples {
		if _, err := Parse("/src/shop/.gazr.toml", []byte(text)); err != nil {
			t.Errorf("%s: the example does not load: %v\n%s", where, err, text)
			continue
		}
		if err := validateTOML(sch, text); err != nil {
			t.Errorf("%s: the example loads but %s rejects it: %v\n%s", where, schemaFile, err, text)
		}
	}
}

// TestSchemaRejects: what the loader refuses for its shape (an unknown
// key, a wrong type, a value out of its set), an editor using the schema
// flags too.
func TestSchemaRejects(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct{ name, toml string }{
		{"unknown top-level key", "imgae = \"golang:1.26\"\n"},
		{"bad project name", "name = \"Shop\"\n"},
		{"empty image", "image = \" \"\n"},
		{"unknown verb", "[verbs.tset]\nrun = \"true\"\n"},
		{"unknown verb key", "[verbs.test]\nrnu = \"true\"\n"},
		{"run of the wrong type", "[verbs.test]\nrun = 3\n"},
		{"empty run", "[verbs.test]\nrun = \"\"\n"},
		{"empty run list", "[verbs.test]\nrun = []\n"},
		{"blank command in a list", "[verbs.test]\nrun = [\"true\", \" \"]\n"},
		{"env value not a string", "[verbs.test.env]\nCGO_ENABLED = 0\n"},
		{"env name of gazr's", "[verbs.test.env]\nGAZR_X = \"1\"\n"},
		{"absolute workdir", "[verbs.test]\nworkdir = \"/src\"\n"},
		{"bad user", "[verbs.test]\nuser = \"me and you\"\n"},
		{"service listed twice", "[verbs.test]\nservices = [\"db\", \"db\"]\n"},
		{"unknown dep", "[verbs.test]\ndeps = [\"biuld\"]\n"},
		{"bad env name", "[env.Staging]\n"},
		{"unknown env key", "[env.staging]\nreplica = 2\n"},
		{"unknown backend", "[env.staging]\nbackend = \"k8s\"\n"},
		{"manager without scheme", "[env.staging]\nmanager = \"10.0.0.5\"\n"},
		{"aws registry with scheme", "[env.staging]\nbackend = \"aws\"\naws = { registry = \"https://r.example.com\" }\n"},
		{"negative replicas", "[env.staging]\nreplicas = { web = -1 }\n"},
		{"unknown resource", "[env.staging]\nresources = { web = { cpu = \"1\" } }\n"},
		{"secret with two sources", "[env.staging.secrets]\ndb = { file = \"a\", env = \"B\" }\n"},
		{"timeout not a duration", "[env.staging]\ntimeout = \"soon\"\n"},
		{"edge port 0", "[env.staging]\nedge_port = 0\n"},
		{"aws table, local backend", "[env.staging.aws]\nregion = \"eu-west-3\"\n"},
		{"aws credentials inline", "[env.staging]\nbackend = \"aws\"\naws = { secret_key = \"x\" }\n"},
		{"aws plain tcp", "[env.staging]\nbackend = \"aws\"\naws = { access = \"tcp\" }\n"},
		{"aws group with both", "[env.staging]\nbackend = \"aws\"\naws = { managers = { asg = \"a\", tags = { Name = \"b\" } } }\n"},
		{"aws schedule without workers", "[env.staging]\nbackend = \"aws\"\naws = { schedule = [{ cron = \"0 7 * * *\" }] }\n"},
		{"aws bad region", "[env.staging]\nbackend = \"aws\"\naws = { region = \"Paris\" }\n"},
		{"proxmox without url", "[env.lab]\nbackend = \"proxmox\"\nproxmox = { token_env = \"T\", pool = \"p\" }\n"},
		{"proxmox without tag or pool", "[env.lab]\nbackend = \"proxmox\"\nproxmox = { url = \"https://pve:8006\", token_env = \"T\" }\n"},
		{"proxmox short fingerprint", "[env.lab]\nbackend = \"proxmox\"\nproxmox = { url = \"https://pve:8006\", token_env = \"T\", pool = \"p\", fingerprint = \"AA:BB\" }\n"},
		{"proxmox template id", "[env.lab]\nbackend = \"proxmox\"\nproxmox = { url = \"https://pve:8006\", token_env = \"T\", pool = \"p\", template = { manager = 1 } }\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse("/src/shop/.gazr.toml", []byte(tt.toml)); err == nil {
				t.Fatalf("the loader accepts it: not a case for this test\n%s", tt.toml)
			}
			if err := validateTOML(sch, tt.toml); err == nil {
				t.Errorf("the loader refuses it, %s accepts it:\n%s", schemaFile, tt.toml)
			}
		})
	}
}

// FuzzSchemaAccepts: what the loader accepts, the schema accepts, so an
// editor never flags a file gazr runs. Its seeds are the valid golden
// configurations; go test -fuzz FuzzSchemaAccepts mutates them.
func FuzzSchemaAccepts(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.toml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && !strings.HasPrefix(filepath.Base(file), "err-") {
			f.Add(string(data))
		}
	}
	sch := compileSchema(f)
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := Parse("/src/shop/.gazr.toml", []byte(text)); err != nil {
			return
		}
		if err := validateTOML(sch, text); err != nil {
			t.Errorf("the loader accepts it, %s does not: %v\n%s", schemaFile, err, text)
		}
	})
}
