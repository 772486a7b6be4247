package convert_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// now is the deployment time of every test.
var now = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// load parses compose YAML as the project "shop" in /src/shop, in memory:
// compose-go's own loader, with the defaults pkg/compose uses.
func load(t *testing.T, yaml string) *types.Project {
	t.Helper()
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  "/src/shop",
		ConfigFiles: []types.ConfigFile{{Filename: "/src/shop/compose.yaml", Content: []byte(yaml)}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("shop", true) })
	if err != nil {
		t.Fatalf("loading the test's compose file: %v", err)
	}
	return p
}

// opts returns the options of a test: project shop, environment staging,
// a version, a deployer and a time, changed by edit.
func opts(edit func(*convert.Options)) convert.Options {
	o := convert.Options{Project: "shop", Env: "staging", Version: "3f2a1c9", DeployedBy: "ci", Now: now, SecretKey: []byte("test key")}
	if edit != nil {
		edit(&o)
	}
	return o
}

// convertYAML loads yaml and converts it with o.
func convertYAML(t *testing.T, yaml string, o convert.Options) (*convert.Stack, error) {
	t.Helper()
	return convert.Convert(load(t, yaml), o)
}

// mustConvert is convertYAML for conversions that must succeed.
func mustConvert(t *testing.T, yaml string, o convert.Options) *convert.Stack {
	t.Helper()
	st, err := convertYAML(t, yaml, o)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// dump renders a Stack as the golden files hold it: indented JSON, map
// keys sorted by encoding/json.
func dump(t *testing.T, st *convert.Stack) []byte {
	t.Helper()
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
