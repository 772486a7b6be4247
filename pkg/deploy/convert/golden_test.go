package convert_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testOptions are the options a testdata file gives itself, under the
// top-level extension x-test; the project is always "shop".
type testOptions struct {
	Env         *string           `json:"env"` // nil: staging
	Version     string            `json:"version"`
	Domain      string            `json:"domain"`
	Images      map[string]string `json:"images"`
	Replicas    map[string]uint64 `json:"replicas"`
	MinReplicas uint64            `json:"min_replicas"`
	Secrets     map[string]string `json:"secrets"`
	Configs     map[string]string `json:"configs"`
}

// options decodes the x-test extension of a testdata project.
func (to testOptions) options() convert.Options {
	return opts(func(o *convert.Options) {
		if to.Env != nil {
			o.Env = *to.Env
		}
		if to.Version != "" {
			o.Version = to.Version
		}
		o.Domain, o.Images, o.Replicas, o.MinReplicas = to.Domain, to.Images, to.Replicas, to.MinReplicas
		o.SecretData, o.ConfigData = bytesOf(to.Secrets), bytesOf(to.Configs)
	})
}

func bytesOf(m map[string]string) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out
}

// TestGolden converts each testdata/*.yaml and compares the Stack (as
// indented JSON) or the error with testdata/*.golden.json. Run with -update
// to rewrite the golden files after a deliberate change, then review the
// diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.yaml files")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p := load(t, string(data))
			var to testOptions
			raw, _ := json.Marshal(p.Extensions["x-test"])
			if err := json.Unmarshal(raw, &to); err != nil {
				t.Fatalf("x-test: %v", err)
			}
			var got []byte
			st, err := convert.Convert(p, to.options())
			if err != nil {
				got = []byte("error: " + err.Error() + "\n")
			} else {
				got = dump(t, st)
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: got\n%s\nwant\n%s", golden, got, want)
			}
		})
	}
}
